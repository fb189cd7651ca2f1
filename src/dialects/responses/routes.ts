/**
 * The small Responses routes besides `POST /v1/responses`:
 * `GET`/`DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`
 * read the app's response store, and `POST /v1/responses/input_tokens` answers 501
 * (the backend has no counter).
 *
 * @module
 */
import type { InputItem } from "../../request/request_model.ts";
import type { ResponseStore } from "../../state/response_store.ts";
import { ProxyError } from "../../errors.ts";
import { decodePathSegment } from "../../http/decode_path_segment.ts";
import { requireMethod } from "../../http/require_method.ts";
import { responseNotFound } from "./response_memory.ts";

const ID_ROUTE = /^\/v1\/responses\/([^/]+)$/;
const INPUT_ITEMS_ROUTE = /^\/v1\/responses\/([^/]+)\/input_items$/;

/** The JSON answer of one of these routes, or undefined when `path` is none of them. */
export async function handleStoredResponseRoute(
  request: Request,
  path: string,
  store: ResponseStore,
): Promise<Record<string, unknown> | undefined> {
  if (path === "/v1/responses/input_tokens") {
    throw new ProxyError(
      501,
      "Counting input tokens is not supported: the Codex backend offers no token counter. The usage of each answer reports input_tokens.",
      { code: "not_implemented", type: "invalid_request_error" },
    );
  }
  const items = INPUT_ITEMS_ROUTE.exec(path);
  if (items) {
    requireMethod(request, "GET");
    const id = decodePathSegment(items[1]);
    const stored = await store.get(id);
    if (!stored) throw responseNotFound(id);
    return inputItemsList(stored.input, new URL(request.url).searchParams.get("order"));
  }
  const match = ID_ROUTE.exec(path);
  if (!match) return undefined;
  const id = decodePathSegment(match[1]);
  const method = requireMethod(request, ["GET", "DELETE"]);
  if (method === "GET") {
    const stored = await store.get(id);
    if (!stored) throw responseNotFound(id);
    return stored.response;
  }
  if (!(await store.delete(id))) throw responseNotFound(id);
  return { id, object: "response.deleted", deleted: true };
}

/** The input items of a stored response as OpenAI's list object (one page: the store is local). */
function inputItemsList(
  input: readonly InputItem[],
  order: string | null,
): Record<string, unknown> {
  // OpenAI lists newest first unless `order=asc`.
  const data = order === "asc" ? [...input] : [...input].reverse();
  const idOf = (item: InputItem | undefined) => (item as { id?: unknown } | undefined)?.id ?? null;
  return {
    object: "list",
    data,
    first_id: idOf(data[0]),
    last_id: idOf(data.at(-1)),
    has_more: false,
  };
}
