/**
 * The Responses frontend (`POST /v1/responses`): the Codex CLI's own wire.
 * With `codex_passthrough` the backend's events reach the client verbatim;
 * without it they are normalised by codexgate. The backend stores nothing,
 * so this frontend keeps finished responses in the app's {@link ResponseStore}
 * for `previous_response_id`, `item_reference` and its stored-response routes.
 *
 * @module
 */
import type { ResponseStore } from "../../state/response_store.ts";
import type { Frontend } from "../frontend.ts";
import { responsesErrorBody, responsesStreamError } from "./error_body.ts";
import { clientResponse } from "./client_response.ts";
import { createNormalizedStreamMapper } from "./normalized_stream_mapper.ts";
import { parseResponsesRequest } from "./parse_request.ts";
import { createPassthroughStreamMapper } from "./passthrough_stream_mapper.ts";
import { expandInput, rememberResponse } from "./response_memory.ts";
import { handleStoredResponseRoute } from "./routes.ts";

/** Builds the Responses frontend over `store`. */
export function createResponsesFrontend(options: { store: ResponseStore }): Frontend {
  const { store } = options;
  return {
    dialect: "responses",
    path: "/v1/responses",
    effortParam: "reasoning.effort",
    parse: parseResponsesRequest,
    expandInput: (request) => expandInput(request, store),
    streamMapper: (context, accumulated) =>
      context.capabilities.codex_passthrough
        ? createPassthroughStreamMapper(context, accumulated)
        : createNormalizedStreamMapper(context, accumulated),
    render: (result, context) => clientResponse(result.response, result.output, context),
    errorBody: responsesErrorBody,
    streamError: responsesStreamError,
    onFinish: (result, context) => rememberResponse(store, context.request, result, context),
    route: (request, path) => handleStoredResponseRoute(request, path, store),
  };
}
