/**
 * `previous_response_id` emulation on top of the {@link ResponseStore}: the
 * backend refuses the id (spec §4), so codexgate expands it into the stored
 * conversation and remembers each finished response.
 *
 * @module
 */
import type { AccumulatedResponse } from "../../upstream/response_accumulator.ts";
import type { CanonicalRequest, InputItem } from "../../request/request_model.ts";
import type { ResponseStore } from "../../state/memory_response_store.ts";
import { ProxyError } from "../../errors.ts";
import type { ResponseContext } from "../frontend.ts";
import { clientResponse } from "./client_response.ts";

/**
 * Replaces `request.input` with the stored conversation of
 * `request.previous_response_id` (its input and output) followed by the new input.
 *
 * @throws {ProxyError} 404 when the id is unknown or expired.
 */
export function expandPreviousResponse(request: CanonicalRequest, store: ResponseStore): void {
  const id = request.previous_response_id;
  if (id === undefined) return;
  const previous = store.get(id);
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
export function rememberResponse(
  store: ResponseStore,
  request: CanonicalRequest,
  result: AccumulatedResponse,
  context: ResponseContext,
): void {
  if (request.store === false || result.outcome === "failed" || !result.id) return;
  const response = clientResponse(result.response, result.output, context);
  store.save({
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
