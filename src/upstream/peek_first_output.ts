/**
 * Failures inside a 200 (docs/backend-protocol.md#failures-inside-the-stream):
 * the backend can accept a request, start its stream (sometimes with
 * `response.created`) and then fail with `server_is_overloaded` or
 * `slow_down` before any output. Until the first output event nothing has
 * reached the client, so such a stream is as good as a 503 before the first
 * byte: `forward` retries it, and an account pool can move on to another
 * account with the same verdict ({@link retryableBeforeOutput}).
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { SseParser } from "../sse/sse_parse_stream.ts";
import { TERMINAL_EVENTS, type UpstreamEvent } from "./events.ts";
import { mapUpstreamEventError } from "./map_upstream_error.ts";
import type { AttemptFailure } from "./retry_policy.ts";

/** What the start of a stream showed. */
export type PeekResult =
  /** Output (or the end) came first: `response` replays every byte, untouched. */
  | { kind: "output"; response: Response }
  /** The stream failed before any output; its body is released. */
  | { kind: "failure"; event: UpstreamEvent; error: ProxyError; attempt: AttemptFailure };

/** Whether an event is model output (text, a tool call, reasoning): from then on the answer is committed. */
export function isOutputEvent(event: UpstreamEvent): boolean {
  return event.type.startsWith("response.output") ||
    event.type.startsWith("response.content_part") ||
    event.type.startsWith("response.function_call") ||
    event.type.startsWith("response.custom_tool_call") ||
    event.type.startsWith("response.reasoning");
}

/**
 * The verdict on an `error` / `response.failed` event seen before any
 * output: the client error it maps to and the failure the retry policy
 * judges (an overload is a 503, a usage limit a 429 that is never retried,
 * a context overflow a 400 that is not retried).
 */
export function retryableBeforeOutput(
  event: UpstreamEvent,
): { error: ProxyError; attempt: AttemptFailure } {
  const error = mapUpstreamEventError(event);
  return {
    error,
    attempt: { kind: "status", status: error.status, code: error.code ?? null, retryAfter: null },
  };
}

/**
 * Reads `response`'s stream until its first output event, its end or a
 * failure; then hands the stream back as a new Response that replays what
 * was read.
 *
 * @throws {ProxyError} 504 `upstream_timeout` after `idleMs` without a byte.
 */
export async function peekFirstOutput(response: Response, idleMs: number): Promise<PeekResult> {
  const body = response.body;
  if (!body) return { kind: "output", response };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let decided: "output" | UpstreamEvent | undefined;
  const parser = new SseParser((frame) => {
    if (decided !== undefined) return;
    let event: UpstreamEvent;
    try {
      event = JSON.parse(frame.data) as UpstreamEvent;
    } catch {
      return; // The stream's reader logs and skips it later.
    }
    if (!event || typeof event !== "object") return;
    if (typeof event.type !== "string") event = { ...event, type: frame.event };
    if (event.type === "error" || event.type === "response.failed") decided = event;
    else if (isOutputEvent(event) || TERMINAL_EVENTS.has(event.type)) decided = "output";
  });
  let readError: unknown;
  let ended = false;
  while (decided === undefined) {
    const result = await withIdleLimit(reader.read(), idleMs);
    if (result === "idle") {
      reader.cancel().catch(() => {});
      throw new ProxyError(504, `The Codex backend sent nothing for ${idleMs / 1000} s`, {
        code: "upstream_timeout",
        type: "timeout_error",
      });
    }
    if (result instanceof Error) {
      readError = result;
      break;
    }
    if (result.done) {
      ended = true;
      break;
    }
    chunks.push(result.value);
    parser.feed(decoder.decode(result.value, { stream: true }));
  }
  if (decided !== undefined && decided !== "output") {
    reader.cancel().catch(() => {});
    const verdict = retryableBeforeOutput(decided);
    return { kind: "failure", event: decided, ...verdict };
  }
  const replay = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = chunks.shift();
      if (chunk) return controller.enqueue(chunk);
      if (readError !== undefined) return controller.error(readError);
      if (ended) return controller.close();
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
  return {
    kind: "output",
    response: new Response(replay, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }),
  };
}

/** The read's result, its error, or "idle" when it takes longer than `ms`. */
async function withIdleLimit<T>(read: Promise<T>, ms: number): Promise<T | Error | "idle"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<"idle">((resolve) => (timer = setTimeout(() => resolve("idle"), ms)));
  try {
    const settled = read.catch((err) => err instanceof Error ? err : new Error(String(err)));
    return await Promise.race([settled, idle]);
  } finally {
    clearTimeout(timer);
  }
}
