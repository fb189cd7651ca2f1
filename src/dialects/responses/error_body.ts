/**
 * codexgate errors on the Responses wire: OpenAI's error body, and the
 * Responses `error` event inside a stream that already started.
 *
 * @module
 */
import type { ProxyError } from "../../errors.ts";
import { eventFrame } from "../../sse/sse_format.ts";
import { openAIErrorBody } from "../openai_error.ts";

/** The HTTP error body. */
export const responsesErrorBody: typeof openAIErrorBody = openAIErrorBody;

/** The in-band `error` event of a stream that already started. */
export function responsesStreamError(error: ProxyError, requestId: string): string {
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
}
