/**
 * `Deno.serve`'s `onError`: called for an error thrown by the handler and for
 * one raised by an answer's body after its headers went out. The deliberate
 * {@link CloseConnection} is not an error; anything else is logged as one
 * line (Deno's default prints a bare stack trace to stderr).
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { CloseConnection } from "./request_bounds.ts";

/** Builds the `onError` option of `Deno.serve`. */
export function serveOnError(logger: Logger): (error: unknown) => Response {
  return (error) => {
    if (!(error instanceof CloseConnection)) {
      logger.error("unhandled error in the HTTP server", {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    return Response.json(
      { error: { message: "Internal error in codexgate", type: "server_error" } },
      { status: 500 },
    );
  };
}
