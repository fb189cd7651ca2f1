/**
 * The small Responses routes besides `POST /v1/responses`:
 * `GET`/`DELETE /v1/responses/{id}` read the in-memory store, and
 * `POST /v1/responses/input_tokens` answers 501 (the backend has no counter).
 *
 * @module
 */
import type { ResponseStore } from "../../core/response_store.ts";
import { ProxyError } from "../../errors.ts";
import { responseNotFound } from "./response_memory.ts";

const ID_ROUTE = /^\/v1\/responses\/([^/]+)$/;

/** The JSON answer of one of these routes, or undefined when `path` is none of them. */
export function handleStoredResponseRoute(
  request: Request,
  path: string,
  store: ResponseStore,
): Record<string, unknown> | undefined {
  if (path === "/v1/responses/input_tokens") {
    throw new ProxyError(
      501,
      "Counting input tokens is not supported: the Codex backend offers no token counter. The usage of each answer reports input_tokens.",
      { code: "not_implemented", type: "invalid_request_error" },
    );
  }
  const match = ID_ROUTE.exec(path);
  if (!match) return undefined;
  const id = decodeURIComponent(match[1]);
  if (request.method === "GET") {
    const stored = store.get(id);
    if (!stored) throw responseNotFound(id);
    return stored.response;
  }
  if (request.method === "DELETE") {
    if (!store.delete(id)) throw responseNotFound(id);
    return { id, object: "response.deleted", deleted: true };
  }
  throw new ProxyError(405, `Method ${request.method} is not allowed here; use GET or DELETE`, {
    code: "method_not_allowed",
    headers: { allow: "GET, DELETE" },
  });
}
