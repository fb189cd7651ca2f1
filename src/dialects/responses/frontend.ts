/**
 * The Responses frontend (`POST /v1/responses`): the Codex CLI's own wire.
 * With `codex_passthrough` the backend's events reach the client verbatim;
 * without it they are normalised by codexgate.
 *
 * @module
 */
import { eventFrame } from "../../sse/sse_format.ts";
import type { Frontend } from "../frontend.ts";
import { openAIErrorBody } from "../openai_error.ts";
import { clientResponse } from "./client_response.ts";
import { createNormalizedStreamMapper } from "./normalized_stream_mapper.ts";
import { parseResponsesRequest } from "./parse_request.ts";
import { createPassthroughStreamMapper } from "./passthrough_stream_mapper.ts";

/** Responses wire. */
export const responsesFrontend: Frontend = {
  dialect: "responses",
  parse: parseResponsesRequest,
  streamMapper: (context) =>
    context.capabilities.codex_passthrough
      ? createPassthroughStreamMapper(context)
      : createNormalizedStreamMapper(context),
  render: (result, context) => clientResponse(result.response, result.output, context),
  errorBody: openAIErrorBody,
  streamError: (error, requestId) => {
    const { error: body } = openAIErrorBody(error, requestId);
    // Top-level fields are the Responses `error` event; `error` makes the openai SDK throw.
    return eventFrame(
      "error",
      JSON.stringify({
        type: "error",
        code: body.code,
        message: body.message,
        param: body.param,
        error: body,
      }),
    );
  },
};
