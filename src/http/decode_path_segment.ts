/**
 * Decodes one percent-encoded path segment (a model name, a response id).
 *
 * @module
 */
import { badRequest } from "../errors.ts";

/**
 * `decodeURIComponent` that answers 400 instead of throwing a URIError.
 *
 * @throws {ProxyError} 400 `invalid_path` for broken percent-encoding (`%E0%A4%A`).
 */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(
      `The path segment ${JSON.stringify(segment)} is not valid percent-encoding (UTF-8).`,
      { code: "invalid_path" },
    );
  }
}
