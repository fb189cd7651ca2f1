/**
 * `previous_response_id` emulation on top of the {@link ResponseStore}: the
 * backend refuses the id (docs/backend-protocol.md#stored-responses), so
 * codexgate expands it into the stored
 * conversation and remembers each finished response.
 *
 * @module
 */
import type { AccumulatedResponse } from "../../upstream/response_accumulator.ts";
import type { CanonicalRequest, InputItem } from "../../request/request_model.ts";
import type { ResponseStore } from "../../state/response_store.ts";
import { ProxyError } from "../../errors.ts";
import type { ResponseContext } from "../frontend.ts";
import { clientResponse } from "./render_response.ts";

/**
 * Fills the request from the store: the conversation of
 * `previous_response_id` goes before the new input, and the stored items its
 * `item_reference` entries name are looked up for translate (which drops a
 * reference nothing answers).
 *
 * @throws {ProxyError} 404 when `previous_response_id` is unknown or expired.
 */
export async function expandInput(request: CanonicalRequest, store: ResponseStore): Promise<void> {
  await expandPreviousResponse(request, store);
  const referenced = new Map<string, InputItem>();
  for (const item of request.input) {
    const id = (item as { id?: unknown }).id;
    if (item.type !== "item_reference" || typeof id !== "string" || referenced.has(id)) continue;
    const found = await store.findItem(id);
    if (found) referenced.set(id, found);
  }
  if (referenced.size > 0) request.referenced_items = referenced;
}

/**
 * Replaces `request.input` with the stored conversation of
 * `request.previous_response_id` (its input and output) followed by the new input.
 *
 * @throws {ProxyError} 404 when the id is unknown or expired.
 */
export async function expandPreviousResponse(
  request: CanonicalRequest,
  store: ResponseStore,
): Promise<void> {
  const id = request.previous_response_id;
  if (id === undefined) return;
  const previous = await store.get(id);
  if (!previous) {
    throw new ProxyError(
      404,
      `Previous response with id '${id}' not found. codexgate keeps responses in memory for a limited time (responses_store in the config) and only those created with store not set to false.`,
      {
        type: "invalid_request_error",
        code: "previous_response_not_found",
        param: "previous_response_id",
      },
    );
  }
  request.input = [...previous.input, ...previous.output, ...request.input];
}

/** Stores a finished response for later turns, unless the client said `store: false`. */
export async function rememberResponse(
  store: ResponseStore,
  request: CanonicalRequest,
  result: AccumulatedResponse,
  context: ResponseContext,
): Promise<void> {
  if (request.store === false || result.outcome === "failed" || !result.id) return;
  const response = clientResponse(result.response, result.output, context);
  await store.save({
    id: result.id,
    input: request.input,
    output: result.output as InputItem[],
    response: { ...response, previous_response_id: request.previous_response_id ?? null },
  });
}

/** The 404 for an unknown stored response id, in OpenAI's shape. */
export function responseNotFound(id: string): ProxyError {
  return new ProxyError(404, `Response with id '${id}' not found.`, {
    type: "invalid_request_error",
    code: "response_not_found",
    param: "response_id",
  });
}
