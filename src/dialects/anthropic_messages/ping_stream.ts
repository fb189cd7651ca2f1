/**
 * Keeps an Anthropic stream alive: after the first chunk, whenever nothing
 * was sent for `intervalMs` (the model thinking, a slow tool argument), a
 * `ping` event goes out, as Anthropic's API does. The timer belongs to the
 * one stream and is cleared when it ends, fails or is cancelled.
 *
 * @module
 */
import { startTimer, type Timer } from "../../timers.ts";

/** Options of {@link withPings}. */
export interface PingOptions {
  intervalMs: number;
  /** The complete SSE frame to send. */
  frame: string;
}

/**
 * Wraps a stream of whole SSE frames so that idle gaps carry pings.
 *
 * @example
 * ```ts
 * const body = withPings(upstreamMapped, { intervalMs: 10_000, frame: PING_FRAME });
 * ```
 */
export function withPings(
  body: ReadableStream<Uint8Array>,
  options: PingOptions,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const ping = new TextEncoder().encode(options.frame);
  let timer: Timer | undefined;
  const stop = () => {
    timer?.cancel();
    timer = undefined;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        stop();
        controller.error(err);
        return;
      }
      stop();
      if (chunk.done) {
        controller.close();
        return;
      }
      controller.enqueue(chunk.value);
      const tick = () => {
        // A client that reads nothing gets no pile of pings: at most one waits in the queue.
        if ((controller.desiredSize ?? 0) >= 0) controller.enqueue(ping);
        timer = startTimer(options.intervalMs, tick);
      };
      timer = startTimer(options.intervalMs, tick);
    },
    cancel(reason) {
      stop();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
