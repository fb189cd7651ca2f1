/**
 * Frame formatting for the SSE we send to clients.
 *
 * @module
 */

/** Formats a `data:`-only frame, as OpenAI's Chat Completions stream uses. */
export function dataFrame(data: string): string {
  return `data: ${data}\n\n`;
}

/** Formats a frame with an `event:` line, as the Responses and Anthropic streams use. */
export function eventFrame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}
