/**
 * `fetch` whose wait for the answer's headers is bounded. The same signal
 * keeps governing the body afterwards, so a client that goes away still
 * aborts the upstream request.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { startTimer } from "../timers.ts";

/** 504 for a backend that did not answer in time (before the first byte). */
export function upstreamTimeoutError(timeoutMs: number, what = "answered"): ProxyError {
  return new ProxyError(
    504,
    `The Codex backend ${what === "answered" ? "has not answered" : what} within ${
      timeoutMs / 1000
    } s (backend timeout); the request was aborted.`,
    { code: "upstream_timeout", type: "timeout_error" },
  );
}

/**
 * Fetches with `signal` (the client's) and a timer on the headers.
 *
 * @throws {ProxyError} 504 when the headers take longer than `timeoutMs`;
 * the upstream request is aborted then. Other failures are rethrown as is.
 */
export async function fetchWithTimeout(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  options: { signal: AbortSignal; timeoutMs: number },
): Promise<Response> {
  const timer = new AbortController();
  // The error (and its stack) is only built when the timer fires: this runs on every request.
  const deadline = startTimer(
    options.timeoutMs,
    () => timer.abort(upstreamTimeoutError(options.timeoutMs)),
  );
  try {
    return await fetchFn(url, { ...init, signal: AbortSignal.any([options.signal, timer.signal]) });
  } catch (err) {
    if (timer.signal.aborted && !options.signal.aborted) throw timer.signal.reason;
    throw err;
  } finally {
    deadline.cancel();
  }
}
