/**
 * `GET /status/events`: every finished request as it happens, as
 * Server-Sent Events (`event: request`, one JSON object per event) for the
 * status page's live list. Subscribes to the app's RequestEvents; a bounded
 * number of watchers; a keep-alive comment every so often; each stream ends
 * when its client leaves or the server shuts down. Only named fields go out
 * (no token, no account id: the account's name). See docs/status-page.md.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import type { FinishedRequest, RequestEvents } from "../http/request_events.ts";
import { UI_SECURITY_HEADERS } from "./security_headers.ts";

/** Options of {@link LiveRequests}. */
export interface LiveRequestsOptions {
  /** At most this many open streams (default 16). */
  maxWatchers?: number;
  /** Milliseconds between keep-alive comments (default 15 000). */
  keepAliveMs?: number;
  /** Aborted when the server shuts down: every stream ends. */
  shutdown?: AbortSignal;
}

/** The UI's own routes: their requests are not shown in the live list. */
const UI_PATHS = new Set(["/", "/ui", "/ui/session", "/status", "/status/events", "/v1/usage"]);

/** What one live event says: the finished request's named fields, nothing more. */
export function liveEvent(r: FinishedRequest): Partial<FinishedRequest> {
  return {
    id: r.id,
    time: r.time,
    method: r.method,
    path: r.path,
    dialect: r.dialect,
    model: r.model,
    backend: r.backend,
    account: r.account,
    client: r.client,
    status: r.status,
    errorCode: r.errorCode,
    durationMs: r.durationMs,
    ttfbMs: r.ttfbMs,
    tokens: r.tokens && { ...r.tokens },
    reasoningEffort: r.reasoningEffort,
  };
}

/** The live stream of finished requests, for however many watchers are allowed. */
export class LiveRequests {
  readonly #events: RequestEvents;
  readonly #max: number;
  readonly #keepAliveMs: number;
  readonly #shutdown?: AbortSignal;
  #watchers = 0;

  constructor(events: RequestEvents, options: LiveRequestsOptions = {}) {
    this.#events = events;
    this.#max = options.maxWatchers ?? 16;
    this.#keepAliveMs = options.keepAliveMs ?? 15_000;
    this.#shutdown = options.shutdown;
  }

  /** Open streams right now. */
  get watchers(): number {
    return this.#watchers;
  }

  /**
   * A new stream for `request`.
   *
   * @throws {ProxyError} 503 when the watchers are at their bound or the server is stopping.
   */
  open(request: Request): Response {
    if (this.#watchers >= this.#max || this.#shutdown?.aborted) {
      throw new ProxyError(503, `At most ${this.#max} live streams are open at once.`, {
        code: "too_many_watchers",
      });
    }
    this.#watchers++;
    const encoder = new TextEncoder();
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        const unsubscribe = this.#events.subscribe((finished) => {
          if (UI_PATHS.has(finished.path)) return;
          send(`event: request\ndata: ${JSON.stringify(liveEvent(finished))}\n\n`);
        });
        const timer = setInterval(() => send(": keep-alive\n\n"), this.#keepAliveMs);
        let stopped = false;
        const end = () => {
          stop();
          try {
            controller.close();
          } catch {
            // Already closed or cancelled.
          }
        };
        stop = () => {
          if (stopped) return;
          stopped = true;
          unsubscribe();
          clearInterval(timer);
          this.#shutdown?.removeEventListener("abort", end);
          request.signal.removeEventListener("abort", stop);
          this.#watchers--;
        };
        this.#shutdown?.addEventListener("abort", end);
        request.signal.addEventListener("abort", stop);
        send("retry: 3000\n: connected\n\n");
      },
      cancel: () => stop(),
    });
    return new Response(body, {
      headers: {
        ...UI_SECURITY_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        "x-accel-buffering": "no",
      },
    });
  }
}
