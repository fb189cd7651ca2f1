/**
 * Graceful shutdown on SIGINT/SIGTERM: stop accepting connections, let
 * running requests (streams included) finish for up to the grace period,
 * then exit 0. A second signal exits at once.
 *
 * @module
 */
import type { Logger } from "../log.ts";

/** Options of {@link installGracefulShutdown}. */
export interface ShutdownOptions {
  graceMs: number;
  logger: Logger;
  /**
   * Called once when shutdown starts (ends long-lived answers such as the live
   * stream); the listener closes once what it returns settles (open WebSockets
   * ending their turns), or at the end of the grace period.
   */
  onStopping?: () => void | Promise<void>;
  /** Process exit; injectable for tests. */
  exit?: (code: number) => void;
}

/** Listens for the signals; returns a function that removes the listeners. */
export function installGracefulShutdown(
  server: Pick<Deno.HttpServer, "shutdown">,
  options: ShutdownOptions,
): () => void {
  const exit = options.exit ?? ((code: number) => Deno.exit(code));
  let stopping = false;
  const onSignal = (signal: Deno.Signal) => () => {
    if (stopping) {
      options.logger.warn("second signal: exiting now", { signal });
      exit(0);
      return;
    }
    stopping = true;
    const ending = options.onStopping?.();
    options.logger.info("shutting down: no new connections, waiting for running requests", {
      signal,
      grace_seconds: options.graceMs / 1000,
    });
    const timer = setTimeout(() => {
      options.logger.warn("grace period over: exiting with requests still running", {
        grace_seconds: options.graceMs / 1000,
      });
      exit(0);
    }, options.graceMs);
    Promise.resolve(ending).catch(() => {}).then(() => server.shutdown()).then(() => {
      clearTimeout(timer);
      options.logger.info("shut down cleanly");
    });
  };
  const installed: [Deno.Signal, () => void][] = [];
  // Windows has no SIGTERM listener; SIGINT (Ctrl+C) works everywhere.
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) {
    const listener = onSignal(signal);
    Deno.addSignalListener(signal, listener);
    installed.push([signal, listener]);
  }
  return () => {
    for (const [signal, listener] of installed) Deno.removeSignalListener(signal, listener);
  };
}
