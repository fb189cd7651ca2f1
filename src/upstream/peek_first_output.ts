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
import { startTimer, type Timer } from "../timers.ts";

/** What the start of a stream showed. */
export type PeekResult =
  /** Output (or the end) came first: `response` replays every byte, untouched. */
  | { kind: "output"; response: Response }
  /** The stream failed before any output; its body is released. */
  | { kind: "failure"; event: UpstreamEvent; error: ProxyError; attempt: AttemptFailure };

/** Whether an event is model output (text, a tool call, reasoning): from then on the answer is committed. */
export function isOutputEvent(event: UpstreamEvent): boolean {
  return isOutputType(event.type);
}

function isOutputType(type: string): boolean {
  return type.startsWith("response.output") ||
    type.startsWith("response.content_part") ||
    type.startsWith("response.function_call") ||
    type.startsWith("response.custom_tool_call") ||
    type.startsWith("response.reasoning");
}

/** Event names whose JSON the peek must read: they may carry the failure it decides on. */
const FAILURE_NAMES = new Set(["", "message", "error", "response.failed"]);

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
  const source = new ChunkSource(body);
  const chunks: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let decided: "output" | UpstreamEvent | undefined;
  const parser = new SseParser((frame) => {
    if (decided !== undefined) return;
    // The backend names each event on its `event:` line: lifecycle events (`response.created`
    // carries the whole request's instructions) need no JSON parse here; the reader parses
    // every event anyway.
    if (!FAILURE_NAMES.has(frame.event)) {
      if (isOutputType(frame.event) || TERMINAL_EVENTS.has(frame.event)) decided = "output";
      return;
    }
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
    const result = await withIdleLimit(source.read(PEEK_READ_BYTES), idleMs);
    if (result === "idle") {
      source.cancel();
      throw new ProxyError(504, `The Codex backend sent nothing for ${idleMs / 1000} s`, {
        code: "upstream_timeout",
        type: "timeout_error",
      });
    }
    if (result instanceof Error) {
      readError = result;
      break;
    }
    if (result === undefined) {
      ended = true;
      break;
    }
    // A copy: the source reuses its read buffer.
    chunks.push(result.slice());
    parser.feed(decoder.decode(result, { stream: true }));
  }
  if (decided !== undefined && decided !== "output") {
    source.cancel();
    const verdict = retryableBeforeOutput(decided);
    return { kind: "failure", event: decided, ...verdict };
  }
  // What was peeked first, then the rest straight from the backend.
  const rest: PeekedBody = {
    async read(max) {
      const chunk = chunks.shift();
      if (chunk) return chunk;
      if (readError !== undefined) throw readError;
      if (ended) return undefined;
      const read = await source.read(max);
      if (read === undefined) ended = true;
      return read;
    },
    cancel: (reason) => source.cancel(reason),
  };
  // A byte stream, so a reader can read it into its own reused buffer (BYOB). The event
  // reader takes `rest` over instead ({@link takePeekedBody}): one hop less for every chunk.
  const replay = new ReadableStream({
    type: "bytes",
    async pull(controller) {
      const request = controller.byobRequest;
      const view = request?.view;
      const read = await rest.read(view?.byteLength ?? PEEK_READ_BYTES);
      if (read === undefined) {
        controller.close();
        request?.respond(0);
        return;
      }
      if (request && view && read.byteLength <= view.byteLength) {
        new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(read);
        request.respond(read.byteLength);
      } else controller.enqueue(read.slice());
    },
    cancel(reason) {
      rest.cancel(reason);
    },
  });
  peeked.set(replay, rest);
  return {
    kind: "output",
    response: new Response(replay, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }),
  };
}

/** A peeked body, read without the stream around it. */
export interface PeekedBody {
  /** The next bytes (at most `max` once the peeked ones are out), valid until the next call. */
  read(max: number): Promise<Uint8Array | undefined>;
  /** Stops reading and releases the backend's connection. */
  cancel(reason?: unknown): void;
}

/** The replay streams of {@link peekFirstOutput} and what they replay. */
const peeked = new WeakMap<ReadableStream<Uint8Array>, PeekedBody>();

/**
 * What the replay stream `body` would deliver, for a reader that takes it
 * over; the stream is then never read. Undefined for any other stream (or
 * one already taken).
 */
export function takePeekedBody(body: ReadableStream<Uint8Array>): PeekedBody | undefined {
  const taken = peeked.get(body);
  peeked.delete(body);
  return taken;
}

/**
 * Size of one read while peeking, and the first size of the reused buffer
 * (it grows to what the event reader asks for): small, as the event reader's
 * own first buffer, since at hundreds of slow streams the buffers add up.
 */
const PEEK_READ_BYTES = 4 * 1024;

/**
 * Reads a body into one reused buffer when the body allows it (BYOB): a
 * default reader gets a fresh 64 KiB buffer from the runtime for every read.
 * Each result is valid until the next read.
 */
class ChunkSource {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;
  #buffer: Uint8Array<ArrayBuffer> | undefined;

  constructor(body: ReadableStream<Uint8Array>) {
    try {
      this.#reader = body.getReader({ mode: "byob" });
      this.#buffer = new Uint8Array(PEEK_READ_BYTES);
    } catch {
      this.#reader = body.getReader();
    }
  }

  /** The next bytes (at most `max` with a BYOB reader), or undefined at the end. */
  async read(max: number): Promise<Uint8Array | undefined> {
    if (this.#buffer === undefined) {
      const { value, done } = await (this.#reader as ReadableStreamDefaultReader<Uint8Array>)
        .read();
      return done ? undefined : value;
    }
    if (this.#buffer.byteLength < max) this.#buffer = new Uint8Array(max);
    const { value, done } = await (this.#reader as ReadableStreamBYOBReader).read(
      new Uint8Array(this.#buffer.buffer, 0, Math.min(max, this.#buffer.byteLength)),
    );
    // The buffer came back (transferred): keep it for the next read.
    if (value !== undefined) this.#buffer = new Uint8Array(value.buffer);
    return done || value === undefined ? undefined : value;
  }

  cancel(reason?: unknown): void {
    this.#reader.cancel(reason).catch(() => {});
  }
}

/** The read's result, its error, or "idle" when it takes longer than `ms`. */
async function withIdleLimit<T>(read: Promise<T>, ms: number): Promise<T | Error | "idle"> {
  let timer: Timer | undefined;
  const idle = new Promise<"idle">((resolve) => (timer = startTimer(ms, () => resolve("idle"))));
  try {
    const settled = read.catch((err) => err instanceof Error ? err : new Error(String(err)));
    return await Promise.race([settled, idle]);
  } finally {
    timer?.cancel();
  }
}
