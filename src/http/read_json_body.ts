/**
 * Reads a request's JSON object body: declared as JSON, within the size
 * limit and the body deadlines, and no deeper than the nesting limit.
 *
 * @module
 */
import { badRequest, ProxyError } from "../errors.ts";
import { nestsDeeperThan } from "./json_depth.ts";
import type { RequestBody } from "./request_body.ts";

/** The limits on a JSON body. */
export interface JsonBodyLimits {
  /** `server.body_limit_mb` in bytes. */
  limitBytes: number;
  /** `server.max_json_depth`. */
  maxDepth: number;
}

/**
 * Reads and parses the body as a JSON object.
 *
 * A `Content-Type` of JSON is required: real clients always send it, and a
 * web page can send a cross-site request without a preflight only with
 * `text/plain`, a form type or none at all (docs/security.md).
 *
 * @throws {ProxyError} 415 without a JSON content type, 413 over the size
 * limit, 408 past a body deadline, 400 for malformed JSON, a non-object or
 * nesting deeper than the limit.
 */
export async function readJsonBody(
  request: Request,
  body: RequestBody,
  limits: JsonBodyLimits,
): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
    throw new ProxyError(
      415,
      type === ""
        ? "Content-Type: application/json is required with a JSON body."
        : `Content-Type must be application/json, got ${JSON.stringify(type)}`,
      { code: "unsupported_media_type", type: "invalid_request_error" },
    );
  }
  const declared = Number(request.headers.get("content-length") ?? NaN);
  const bytes = await body.readAll(
    limits.limitBytes,
    Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined,
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`, {
      code: "invalid_json",
    });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw badRequest("The request body must be a JSON object", { code: "invalid_json" });
  }
  if (nestsDeeperThan(parsed, limits.maxDepth)) {
    throw badRequest(
      `The request body nests JSON more than ${limits.maxDepth} levels deep (server.max_json_depth).`,
      { code: "json_too_deep" },
    );
  }
  return parsed as Record<string, unknown>;
}
