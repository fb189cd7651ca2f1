/**
 * The Chat Completions frontend (`POST /v1/chat/completions`).
 *
 * @module
 */
import type { Frontend } from "../frontend.ts";
import { openAIErrorBody } from "../openai_error.ts";
import { parseChatRequest } from "./parse_request.ts";
import { renderChatResponse } from "./render_response.ts";
import { createChatStreamMapper } from "./stream_mapper.ts";

/** Chat Completions wire. */
export const chatCompletionsFrontend: Frontend = {
  dialect: "chat",
  parse: parseChatRequest,
  streamMapper: createChatStreamMapper,
  render: renderChatResponse,
  errorBody: openAIErrorBody,
  streamError: (error, requestId) =>
    `data: ${JSON.stringify(openAIErrorBody(error, requestId))}\n\n`,
};
