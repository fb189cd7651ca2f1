/**
 * The last line of defence: a promise rejection or exception nobody handled
 * is logged and the server keeps serving every other client. Each one is a
 * bug to fix where it arises; this only stops one bug from ending the process.
 *
 * @module
 */
import type { Logger } from "../log.ts";

/** Installs the process-wide listeners; returns a function that removes them. */
export function keepServingOnStrayErrors(logger: Logger): () => void {
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    logger.error("unhandled promise rejection; codexgate keeps running", {
      error: describe(event.reason),
    });
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    logger.error("uncaught exception; codexgate keeps running", {
      error: describe(event.error ?? event.message),
    });
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  return () => {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  };
}

function describe(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}
