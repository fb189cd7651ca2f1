/**
 * OpenAI's error shape, shared by the Chat Completions and Responses frontends.
 *
 * @module
 */
import type { ProxyError } from "../errors.ts";

/** `{"error": {message, type, param, code}}` plus the request id. */
export function openAIErrorBody(error: ProxyError, requestId: string): {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    request_id: string;
  };
} {
  return {
    error: {
      message: error.message,
      type: error.type,
      param: error.param,
      code: error.code,
      request_id: requestId,
    },
  };
}
