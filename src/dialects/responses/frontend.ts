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
import { renderResponsesResponse } from "./render_response.ts";
import { createResponsesStreamMapper } from "./stream_mapper.ts";
import { parseResponsesRequest } from "./parse_request.ts";
import { expandInput, rememberResponse } from "./response_memory.ts";
import { handleStoredResponseRoute } from "./routes.ts";
import { openResponsesSocket } from "./websocket_session.ts";

/** Builds the Responses frontend over `store`. */
export function createResponsesFrontend(options: { store: ResponseStore }): Frontend {
  const { store } = options;
  return {
    dialect: "responses",
    path: "/v1/responses",
    effortParam: "reasoning.effort",
    parse: parseResponsesRequest,
    expandInput: (request) => expandInput(request, store),
    streamMapper: createResponsesStreamMapper,
    render: renderResponsesResponse,
    errorBody: responsesErrorBody,
    streamError: responsesStreamError,
    onFinish: (result, context) => rememberResponse(store, context.request, result, context),
    route: (request, path) => handleStoredResponseRoute(request, path, store),
    upgrade: (request, options) => openResponsesSocket(request, { ...options, store }),
  };
}
