/**
 * Reads the body of a backend's error answer, bounded in time and size: a
 * 4xx/5xx whose body never ends must not hold the client past the backend
 * timeout, and a huge one must not be buffered whole. Only the start of an
 * error body is ever needed (its JSON message, or a hint of an HTML page).
 *
 * @module
 */
import { startTimer, type Timer } from "../timers.ts";

/** Bytes kept of an error body; the rest is dropped. */
export const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * The text of the first {@link ERROR_BODY_LIMIT} bytes of `response`'s body,
 * or what arrived before `timeoutMs` passed or `signal` aborted. Never throws;
 * the body is released either way.
 */
export async function readErrorBody(
  response: Response,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const buffer = new Uint8Array(ERROR_BODY_LIMIT);
  let size = 0;
  let timer: Timer | undefined;
  const stop = new Promise<"stop">((resolve) => {
    timer = startTimer(options.timeoutMs, () => resolve("stop"));
    options.signal?.addEventListener("abort", () => resolve("stop"), { once: true });
  });
  let complete = false;
  try {
    while (size < ERROR_BODY_LIMIT) {
      const next = await Promise.race([reader.read(), stop]);
      if (next === "stop") break;
      if (next.done) {
        complete = true;
        break;
      }
      const take = next.value.subarray(0, ERROR_BODY_LIMIT - size);
      buffer.set(take, size);
      size += take.byteLength;
    }
  } catch {
    /* what arrived is all there is */
  } finally {
    timer?.cancel();
    if (!complete) reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(buffer.subarray(0, size));
}
