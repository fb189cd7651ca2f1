/**
 * An error as an HTTP answer in the client's API shape. A {@link ProxyError}
 * keeps its status; anything else is a logged 500 that tells the client
 * nothing internal.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** Renders the error body of one API (OpenAI's or Anthropic's shape). */
export type ErrorBodyRenderer = (error: ProxyError, requestId: string) => unknown;

/** Options of {@link errorResponse}. */
export interface ErrorResponseOptions {
  render: ErrorBodyRenderer;
  requestId: string;
  logger: Logger;
}

/** The JSON error answer for `err`. */
export function errorResponse(err: unknown, options: ErrorResponseOptions): Response {
  const { requestId } = options;
  const error = err instanceof ProxyError
    ? err
    : new ProxyError(500, "Internal error in codexgate", {
      code: "internal_error",
      cause: err,
    });
  if (!(err instanceof ProxyError)) {
    options.logger.error("unhandled error", {
      requestId,
      error: (err as Error)?.stack ?? String(err),
    });
  }
  return Response.json(options.render(error, requestId), {
    status: error.status,
    headers: { ...error.headers, "x-request-id": requestId },
  });
}
