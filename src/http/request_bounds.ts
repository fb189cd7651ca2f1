/**
 * Bounds on what one client can hold: at most `maxInFlight` requests at once
 * (the next get 503), and a request body read within deadlines
 * (request_body.ts). A request whose body was not read to its end (an early
 * error, a deadline) keeps its connection only while the rest of the body
 * arrives in time; otherwise the connection is closed after the answer,
 * since `Deno.serve` would wait for that body for ever. See docs/security.md.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { watchBodyEnd } from "./body_end.ts";
import { type BodyDeadlines, RequestBody } from "./request_body.ts";

/** Options of {@link withRequestBounds}. */
export interface RequestBoundsOptions<A extends unknown[]> {
  /** Requests handled at once, streams included (`server.max_requests_in_flight`). */
  maxInFlight: number;
  deadlines: BodyDeadlines;
  /** Renders an error answer in the shape of the API the request is for. */
  refuse: (request: Request, error: ProxyError, ...rest: A) => Response;
}

/** Wraps a handler that reads its body through the {@link RequestBody} it is given. */
export function withRequestBounds<A extends unknown[]>(
  inner: (request: Request, body: RequestBody, ...rest: A) => Promise<Response>,
  options: RequestBoundsOptions<A>,
): (request: Request, ...rest: A) => Promise<Response> {
  let inFlight = 0;
  return async (request, ...rest) => {
    const stream = hasBody(request) ? request.body : null;
    if (inFlight >= options.maxInFlight) {
      const answer = options.refuse(request, overloaded(options.maxInFlight), ...rest);
      if (!stream) return answer;
      // A refused request is not counted, so it must not wait for its body: a body that
      // had arrived whole is dropped and the connection kept; any other closes it.
      const body = new RequestBody(stream, REFUSED_BODY_GRACE);
      return withBodyEnd(answer, async () => {
        if (body.arrivedWhole()) return await body.drain();
        await body.release();
        return false;
      }, () => {});
    }
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
    };
    const body = new RequestBody(stream, options.deadlines);
    let response: Response;
    try {
      response = await inner(request, body, ...rest);
    } catch (err) {
      release();
      throw err;
    }
    const streaming = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
    if (body.complete && !streaming) {
      release();
      return response;
    }
    if (NULL_BODY_STATUSES.has(response.status)) {
      // Such an answer cannot be held open: drop the rest of the body after it.
      body.drain().then((ended) => ended ? undefined : body.release()).finally(release);
      return response;
    }
    return withBodyEnd(
      response,
      body.complete ? () => Promise.resolve(true) : () => settleBody(body),
      release,
    );
  };
}

/**
 * Fails an answer after its last byte so that `Deno.serve` closes the
 * connection; the server's `onError` (serve_on_error.ts) keeps it out of the log.
 */
export class CloseConnection extends Error {
  constructor() {
    super("closing the connection: the request body did not end in time");
    this.name = "CloseConnection";
  }
}

/** Drops the rest of a body; true when it ended in time, false when the connection must close. */
async function settleBody(body: RequestBody): Promise<boolean> {
  if (await body.drain()) return true;
  await body.release();
  return false;
}

/** Bounds on dropping the (already arrived) body of a request refused for overload. */
const REFUSED_BODY_GRACE = { idleMs: 1000, totalMs: 1000 };

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Whether the request may have a body: a length or transfer coding says so,
 * and a POST (HTTP/2 may stream one with neither) is assumed to.
 */
function hasBody(request: Request): boolean {
  if (request.body === null) return false;
  const length = request.headers.get("content-length");
  if (length !== null) return length.trim() !== "0";
  return request.headers.has("transfer-encoding") ||
    ["POST", "PUT", "PATCH"].includes(request.method);
}

/**
 * The same answer, whose end waits for `settle`: true ends it normally;
 * false fails it after the last byte, which makes the server close the
 * connection. `onDone` runs once, however the answer ends.
 */
function withBodyEnd(
  response: Response,
  settle: () => Promise<boolean>,
  onDone: () => void,
): Response {
  return watchBodyEnd(response, {
    settle: async () => (await settle()) ? undefined : new CloseConnection(),
    ended: onDone,
  });
}

function overloaded(max: number): ProxyError {
  return new ProxyError(
    503,
    `codexgate is handling ${max} requests already (server.max_requests_in_flight); try again shortly.`,
    { code: "overloaded", type: "server_error", headers: { "retry-after": "1" } },
  );
}
