/**
 * Reads a request's JSON object body with a size bound.
 *
 * @module
 */
import { badRequest, ProxyError } from "../errors.ts";

/**
 * Reads and parses the body as a JSON object.
 *
 * @throws {ProxyError} 415 for a non-JSON content type, 413 over `limitBytes`,
 * 400 for malformed JSON or a non-object.
 */
export async function readJsonBody(
  request: Request,
  limitBytes: number,
): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (type !== "" && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) {
    await request.body?.cancel();
    throw new ProxyError(
      415,
      `Content-Type must be application/json, got ${JSON.stringify(type)}`,
      {
        code: "unsupported_media_type",
        type: "invalid_request_error",
      },
    );
  }
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) {
    await request.body?.cancel();
    throw tooLarge(limitBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limitBytes) {
        await reader.cancel();
        throw tooLarge(limitBytes);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
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
  return parsed as Record<string, unknown>;
}

function tooLarge(limit: number): ProxyError {
  return new ProxyError(
    413,
    `The request body is larger than the limit of ${
      Math.round(limit / 1048576)
    } MB (server.body_limit_mb)`,
    {
      code: "request_too_large",
      type: "invalid_request_error",
    },
  );
}
