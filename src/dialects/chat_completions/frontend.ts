/**
 * The Chat Completions frontend (`POST /v1/chat/completions`).
 *
 * @module
 */
import type { Frontend } from "../frontend.ts";
import { chatErrorBody, chatStreamError } from "./error_body.ts";
import { parseChatRequest } from "./parse_request.ts";
import { renderChatResponse } from "./render_response.ts";
import { createChatStreamMapper } from "./stream_mapper.ts";

/** Chat Completions wire. */
export const chatCompletionsFrontend: Frontend = {
  dialect: "chat",
  path: "/v1/chat/completions",
  effortParam: "reasoning_effort",
  parse: parseChatRequest,
  streamMapper: createChatStreamMapper,
  render: renderChatResponse,
  errorBody: chatErrorBody,
  streamError: chatStreamError,
};
