/**
 * A client that goes away (closes the connection while its body is read,
 * while credentials resolve, while the backend is asked, or mid-stream) is
 * not a failure of codexgate: it ends as 499 `client_closed_request` and one
 * info log line, never a 500 with a stack trace. See docs/compatibility.md.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { type JsonBodyLimits, readJsonBody } from "./read_json_body.ts";
import type { RequestBody } from "./request_body.ts";

/** The code of a request the client abandoned. */
export const CLIENT_CLOSED = "client_closed_request";

/** 499: the client closed the connection before the answer was complete. */
export function clientClosedError(cause?: unknown): ProxyError {
  return new ProxyError(499, "The client closed the request", { code: CLIENT_CLOSED, cause });
}

/** The error to answer with: 499 when the client is gone, whatever went wrong after. */
export function unlessClientGone(err: unknown, signal: AbortSignal): unknown {
  return signal.aborted && !(err instanceof ProxyError && err.status === 499)
    ? clientClosedError(err)
    : err;
}

/**
 * Waits for shared work (the catalog, a token refresh) while the client is
 * there; when it leaves, this request stops waiting (the work goes on for others).
 *
 * @throws {ProxyError} 499 when `signal` aborts first; else what `work` throws.
 */
export function whileConnected<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(clientClosedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(clientClosedError());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Reads the JSON body; a read that fails for any reason but the ones
 * `readJsonBody` reports (size, type, syntax) is the connection dropping.
 *
 * @throws {ProxyError} as `readJsonBody` does, or 499 when the client went away.
 */
export async function readClientJson(
  request: Request,
  body: RequestBody,
  limits: JsonBodyLimits,
): Promise<Record<string, unknown>> {
  try {
    return await readJsonBody(request, body, limits);
  } catch (err) {
    if (err instanceof ProxyError) throw err;
    throw clientClosedError(err);
  }
}
