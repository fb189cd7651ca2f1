/**
 * codexgate errors in Anthropic's shape:
 * `{"type":"error","error":{"type","message"},"request_id"}`.
 *
 * @module
 */
import type { ProxyError } from "../../errors.ts";
import { eventFrame } from "../../sse/sse_format.ts";

/** Anthropic's error types. */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

/** An Anthropic error body. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
  request_id: string;
}

/** Chooses the Anthropic error type for an error. */
export function anthropicErrorType(error: ProxyError): AnthropicErrorType {
  if (error.code === "context_length_exceeded") return "invalid_request_error";
  if (error.status === 401) return "authentication_error";
  if (error.status === 403) return "permission_error";
  if (error.status === 404) return "not_found_error";
  if (error.status === 413) return "request_too_large";
  if (error.status === 429) return "rate_limit_error";
  if (
    error.status === 503 || error.status === 529 || (error.status >= 500 && isOverloaded(error))
  ) {
    return "overloaded_error";
  }
  if (error.status >= 500) return "api_error";
  return "invalid_request_error";
}

/**
 * The message an Anthropic client should see. A context overflow starts with
 * "prompt is too long", the words Claude Code keys on to compact the conversation.
 */
export function anthropicErrorMessage(error: ProxyError): string {
  if (error.code === "context_length_exceeded") return `prompt is too long: ${error.message}`;
  return error.message;
}

/** The HTTP error body. */
export function anthropicErrorBody(error: ProxyError, requestId: string): AnthropicErrorBody {
  return {
    type: "error",
    error: { type: anthropicErrorType(error), message: anthropicErrorMessage(error) },
    request_id: requestId,
  };
}

/** The in-band `error` event of a stream that already started. */
export function anthropicStreamError(error: ProxyError, requestId: string): string {
  return eventFrame("error", JSON.stringify(anthropicErrorBody(error, requestId)));
}

function isOverloaded(error: ProxyError): boolean {
  return /overload|\((503|529)\)|server_is_overloaded|slow_down/i.test(
    `${error.code ?? ""} ${error.message}`,
  );
}
