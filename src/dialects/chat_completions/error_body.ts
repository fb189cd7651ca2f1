/**
 * codexgate errors on the Chat Completions wire: OpenAI's error body, and
 * the same body as a `data:` frame inside a stream that already started.
 *
 * @module
 */
import type { ProxyError } from "../../errors.ts";
import { dataFrame } from "../../sse/sse_format.ts";
import { openAIErrorBody } from "../openai_error.ts";

/** The HTTP error body. */
export const chatErrorBody: typeof openAIErrorBody = openAIErrorBody;

/** The in-band error frame of a stream that already started. */
export function chatStreamError(error: ProxyError, requestId: string): string {
  return dataFrame(JSON.stringify(openAIErrorBody(error, requestId)));
}
