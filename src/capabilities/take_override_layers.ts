/**
 * Per-request overrides (`codex_capabilities`, `codex_environment`) come from
 * three places, later wins: `extra_body.<field>` (literal nesting), top-level
 * `<field>` (what the OpenAI SDKs send, since they flatten `extra_body`) and a
 * JSON header. This takes them out of the body so they never reach upstream.
 *
 * @module
 */
import { badRequest } from "../errors.ts";

/** One override layer: where it came from and its raw value. */
export type OverrideLayer = [where: string, value: unknown];

/**
 * Removes `field` from `body` (and `extra_body`) and returns the layers found,
 * in precedence order (lowest first).
 *
 * @example
 * ```ts
 * const layers = takeOverrideLayers(body, request.headers, {
 *   field: "codex_capabilities",
 *   header: "x-codex-capabilities",
 *   code: "invalid_capabilities",
 * });
 * ```
 * @throws {ProxyError} 400 with `code` when the header is not JSON.
 */
export function takeOverrideLayers(
  body: Record<string, unknown>,
  headers: Headers,
  options: { field: string; header: string; code: string },
): OverrideLayer[] {
  const { field, header: headerName, code } = options;
  const layers: OverrideLayer[] = [];
  const extra = body.extra_body;
  if (extra && typeof extra === "object" && !Array.isArray(extra)) {
    const record = extra as Record<string, unknown>;
    if (record[field] !== undefined) layers.push([`extra_body.${field}`, record[field]]);
    delete record[field];
    if (Object.keys(record).length === 0) delete body.extra_body;
  }
  if (body[field] !== undefined) layers.push([field, body[field]]);
  delete body[field];
  const header = headers.get(headerName);
  if (header !== null) {
    try {
      layers.push([headerName, JSON.parse(header)]);
    } catch {
      throw badRequest(`${headerName}: expected a JSON object`, { param: headerName, code });
    }
  }
  return layers;
}
