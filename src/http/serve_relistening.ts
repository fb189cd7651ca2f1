/**
 * `Deno.serve` that listens again when accepting connections fails.
 *
 * `Deno.serve` ends its server on the first failed accept: with every file
 * descriptor in use (a flood of connections, or a low `ulimit -n`) its
 * `finished` rejects with "Too many open files" and nothing listens any more,
 * although connections already accepted keep running. Here the port is bound
 * again after a pause that doubles while the failures go on, so the proxy
 * serves again as soon as descriptors are free. A failure to bind at start
 * (port in use, no permission) is still thrown to the caller.
 * See docs/security.md#bounded-requests.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { startTimer } from "../timers.ts";

/** What main.ts and graceful shutdown need of a server. */
export interface RelisteningServer {
  /** Settles when the server was shut down. */
  readonly finished: Promise<void>;
  /** Stops accepting; waits for running requests on every listener so far. */
  shutdown(): Promise<void>;
}

/** Pauses between attempts to listen again, in milliseconds. */
export interface RelistenBackoff {
  firstMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: RelistenBackoff = { firstMs: 100, maxMs: 5_000 };

/** Serves `handler` like `Deno.serve`, binding again after a failed accept. */
export function serveRelistening(
  options: Deno.ServeTcpOptions,
  handler: Deno.ServeHandler<Deno.NetAddr>,
  logger: Logger,
  backoff: RelistenBackoff = DEFAULT_BACKOFF,
): RelisteningServer {
  let current: Deno.HttpServer<Deno.NetAddr> | undefined;
  /** Listeners whose accept failed, finishing the requests they had (streams included). */
  const draining = new Set<Promise<void>>();
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = startTimer(ms, resolve);
      wake = () => {
        timer.cancel();
        resolve();
      };
    });
  const listen = (onListen: Deno.ServeTcpOptions["onListen"]) =>
    current = Deno.serve({ ...options, onListen }, handler);
  const drain = (failed: Deno.HttpServer<Deno.NetAddr>) => {
    const done = failed.shutdown().catch(() => {});
    draining.add(done);
    done.finally(() => draining.delete(done));
  };

  // Thrown at once: a port in use at start is the caller's error to report.
  listen(options.onListen);
  const finished = (async () => {
    let delayMs = backoff.firstMs;
    while (!stopping) {
      const since = performance.now();
      try {
        current ??= listen(() => logger.warn("listening again", { port: options.port }));
        await current.finished;
        return;
      } catch (err) {
        if (stopping) return;
        // A listener that served for a while starts the pauses over.
        if (performance.now() - since > backoff.maxMs) delayMs = backoff.firstMs;
        logger.error("accepting connections failed; listening again after a pause", {
          error: err instanceof Error ? err.message : String(err),
          retry_ms: delayMs,
        });
        if (current) drain(current);
        current = undefined;
        await pause(delayMs);
        delayMs = Math.min(delayMs * 2, backoff.maxMs);
      }
    }
  })();

  return {
    finished,
    async shutdown() {
      stopping = true;
      wake?.();
      await Promise.allSettled([current?.shutdown(), ...draining]);
      await finished;
    },
  };
}
