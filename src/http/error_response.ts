/**
 * An error as an HTTP answer in the client's API shape. A {@link ProxyError}
 * keeps its status; anything else is a logged 500 that tells the client
 * nothing internal.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { unlessClientGone } from "./client_gone.ts";
import { answerHeaders, recordError, type RequestRecord } from "./request_record.ts";

/** Renders the error body of one API (OpenAI's or Anthropic's shape). */
export type ErrorBodyRenderer = (error: ProxyError, requestId: string) => unknown;

/** Options of {@link errorResponse}. */
export interface ErrorResponseOptions {
  render: ErrorBodyRenderer;
  /** The request's log record: its id, and where the error is noted. */
  record: RequestRecord;
  logger: Logger;
  /** The client's request signal: once aborted, any error is the client leaving (499). */
  signal: AbortSignal;
}

/** The JSON error answer for `err`. */
export function errorResponse(thrown: unknown, options: ErrorResponseOptions): Response {
  const { record } = options;
  const requestId = record.id;
  const err = unlessClientGone(thrown, options.signal);
  const error = err instanceof ProxyError
    ? err
    : new ProxyError(500, "Internal error in codexgate", {
      code: "internal_error",
      cause: err,
    });
  recordError(record, error);
  if (!(err instanceof ProxyError)) {
    options.logger.error("unhandled error", {
      requestId,
      error: (err as Error)?.stack ?? String(err),
    });
  }
  return Response.json(options.render(error, requestId), {
    status: error.status,
    headers: { ...error.headers, ...answerHeaders(record), "x-request-id": requestId },
  });
}
