/**
 * The error for "the client went away": 499 `client_closed_request`, an
 * expected outcome rather than a fault of codexgate.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";

/** The 499 for an aborted `signal` (or the signal's own ProxyError reason, e.g. a timeout). */
export function clientClosedError(signal: AbortSignal): ProxyError {
  const reason = signal.reason;
  if (reason instanceof ProxyError) return reason;
  return new ProxyError(499, "The client closed the request", { code: "client_closed_request" });
}
