/**
 * Watching a streamed answer's end without a JS stream per watcher. The
 * request log and the request bounds both need to know when an answer's
 * body ends; each wrapping it in its own `ReadableStream` cost every chunk
 * of every stream two more hops (and each stream two more queues). The
 * first watcher wraps the body once; later watchers join that wrapper.
 *
 * @module
 */

/** How a body ended, as a watcher hears it. */
export type BodyEnd =
  | { kind: "done" }
  /** The body failed (or an inner watcher failed its end): `error` is what the client gets. */
  | { kind: "failed"; error: unknown }
  /** The client stopped reading (or went away). */
  | { kind: "cancelled" };

/** One watcher of a body's end. */
export interface BodyEndWatcher {
  /**
   * Runs when the body has delivered its last byte, before the answer ends
   * and before the watchers added after it: resolves undefined to end the
   * answer normally, or to an error to fail it (after its last byte) instead.
   */
  settle?: () => Promise<unknown>;
  /** Called once, however the body ended. */
  ended: (end: BodyEnd) => void;
}

/** Watchers of the bodies wrapped here, innermost (first added) first. */
const watched = new WeakMap<ReadableStream<Uint8Array>, BodyEndWatcher[]>();

/**
 * The answer with `watcher` told of its body's end. An answer this module
 * already wraps is returned as it is, with the watcher added; an answer
 * without a body ends at once.
 */
export function watchBodyEnd(response: Response, watcher: BodyEndWatcher): Response {
  const joined = response.body ? watched.get(response.body) : undefined;
  if (joined) {
    joined.push(watcher);
    return response;
  }
  const watchers = [watcher];
  const reader = response.body?.getReader();
  let over = false;
  /** Tells every watcher once, innermost first; an inner failure is what outer ones hear. */
  const finish = async (end: BodyEnd): Promise<BodyEnd> => {
    over = true;
    let outcome = end;
    for (const w of watchers) {
      if (outcome.kind === "done" && w.settle) {
        try {
          const error = await w.settle();
          if (error !== undefined) outcome = { kind: "failed", error };
        } catch (error) {
          outcome = { kind: "failed", error };
        }
      }
      w.ended(outcome);
    }
    return outcome;
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = reader ? await reader.read() : { done: true, value: undefined };
      } catch (error) {
        if (!over) await finish({ kind: "failed", error });
        controller.error(error);
        return;
      }
      if (!next.done) {
        controller.enqueue(next.value);
        return;
      }
      const outcome = over ? { kind: "done" as const } : await finish({ kind: "done" });
      try {
        if (outcome.kind === "failed") controller.error(outcome.error);
        else controller.close();
      } catch {
        // Cancelled meanwhile: nothing left to end.
      }
    },
    async cancel(reason) {
      if (!over) await finish({ kind: "cancelled" });
      await reader?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
  watched.set(body, watchers);
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
