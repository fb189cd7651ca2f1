/**
 * Reads the backend's SSE body as batches of parsed events, one batch per
 * upstream read, with an idle timeout: the reading half of `streamBack`.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { type SseFrame, SseParser } from "../sse/sse_parse_stream.ts";
import type { UpstreamEvent } from "./events.ts";
import { startTimer, type Timer } from "../timers.ts";
import { type PeekedBody, takePeekedBody } from "./peek_first_output.ts";

/**
 * First and largest size of an upstream stream's read buffer (it doubles while reads fill it).
 * Small to start: a slow stream's events are a few hundred bytes, and at hundreds of streams
 * the buffers add up; a fast stream reaches the largest size within a few reads.
 */
const READ_BUFFER_MIN = 4 * 1024;
const READ_BUFFER_MAX = 256 * 1024;

/** Reads upstream events in batches: one batch per upstream read. */
export class UpstreamEventReader {
  readonly #reader:
    | ReadableStreamDefaultReader<Uint8Array>
    | ReadableStreamBYOBReader
    | { peeked: PeekedBody };
  /** Our own read buffer, reused for every read (BYOB), when the body allows it. */
  #buffer: Uint8Array<ArrayBuffer> | undefined;
  /** The size of the next read from a peeked body (grows as the buffer would). */
  #readSize = READ_BUFFER_MIN;
  readonly #decoder = new TextDecoder();
  readonly #parser: SseParser;
  readonly #idleMs: number;
  #batch: { event: UpstreamEvent; raw: string }[] = [];
  #done = false;
  #logger: Logger;
  #timer: Timer | undefined;
  #readStartedAt = 0;
  #reading = false;
  #timedOut: ProxyError | undefined;

  constructor(body: ReadableStream<Uint8Array>, idleMs: number, logger: Logger) {
    // A default reader gets a fresh 64 KiB buffer per read from the runtime, even for a
    // 200-byte event: at hundreds of slow streams that is most of the process's memory.
    // Reading into one reused buffer per stream keeps it flat.
    const peeked = takePeekedBody(body);
    if (peeked) {
      // Read from the peek's own reused buffer, without the replay stream in between.
      this.#reader = { peeked };
    } else {
      try {
        this.#reader = body.getReader({ mode: "byob" });
        this.#buffer = new Uint8Array(READ_BUFFER_MIN);
      } catch {
        this.#reader = body.getReader();
      }
    }
    this.#idleMs = idleMs;
    this.#logger = logger;
    this.#parser = new SseParser((frame) => this.#onFrame(frame));
  }

  #onFrame(frame: SseFrame): void {
    if (frame.data === "[DONE]") return;
    try {
      const event = JSON.parse(frame.data) as UpstreamEvent;
      if (!event || typeof event !== "object") return;
      if (typeof event.type !== "string" && frame.event) event.type = frame.event;
      if (typeof event.type !== "string") return;
      this.#batch.push({ event, raw: frame.data });
    } catch {
      this.#logger.warn("skipped a malformed upstream event", { bytes: frame.data.length });
    }
  }

  /** The next batch of events, or undefined at the end of the stream. */
  async next(): Promise<{ event: UpstreamEvent; raw: string }[] | undefined> {
    while (!this.#done) {
      const { value, done } = await this.#readWithTimeout();
      if (done) {
        this.#done = true;
        this.#stopTimer();
        this.#parser.feed(this.#decoder.decode());
        this.#parser.end();
      } else {
        this.#parser.feed(this.#decoder.decode(value, { stream: true }));
      }
      if (this.#batch.length > 0) {
        const batch = this.#batch;
        this.#batch = [];
        return batch;
      }
    }
    return undefined;
  }

  /**
   * One read, failing when it waits longer than the idle limit. One timer
   * serves the whole stream (re-armed only when it fires early), not a timer
   * and a race per read: a flood stream does thousands of reads.
   */
  async #readWithTimeout(): Promise<ReadableStreamReadResult<Uint8Array>> {
    this.#readStartedAt = performance.now();
    this.#reading = true;
    if (this.#timer === undefined) this.#armTimer(this.#idleMs);
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await this.#read();
    } finally {
      this.#reading = false;
    }
    if (this.#timedOut) throw this.#timedOut;
    return result;
  }

  async #read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if ("peeked" in this.#reader) {
      const value = await this.#reader.peeked.read(this.#readSize);
      if (value === undefined) return { done: true, value: undefined };
      if (value.byteLength >= this.#readSize && this.#readSize < READ_BUFFER_MAX) {
        this.#readSize *= 2;
      }
      return { done: false, value };
    }
    if (this.#buffer === undefined) {
      return await (this.#reader as ReadableStreamDefaultReader<Uint8Array>).read();
    }
    const result = await (this.#reader as ReadableStreamBYOBReader).read(this.#buffer);
    const view = result.value;
    if (view === undefined) return { done: true, value: undefined };
    // The buffer came back (transferred): reuse it, larger when the stream fills it.
    const size = view.buffer.byteLength;
    this.#buffer = view.byteLength === size && size < READ_BUFFER_MAX
      ? new Uint8Array(size * 2)
      : new Uint8Array(view.buffer);
    return result.done ? { done: true, value: undefined } : { done: false, value: view };
  }

  #armTimer(delayMs: number): void {
    this.#timer = startTimer(Math.max(1, delayMs), () => this.#onTimer());
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.#done) return;
    const waited = performance.now() - this.#readStartedAt;
    if (!this.#reading || waited < this.#idleMs) {
      this.#armTimer(this.#reading ? this.#idleMs - waited : this.#idleMs);
      return;
    }
    this.#timedOut = new ProxyError(
      504,
      `The Codex backend sent nothing for ${this.#idleMs / 1000} s`,
      { code: "upstream_timeout", type: "timeout_error" },
    );
    // Ends the pending read (done), which then throws the timeout.
    this.#cancelReader(this.#timedOut);
  }

  #stopTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Stops reading and releases the upstream connection. */
  cancel(reason?: unknown): void {
    this.#done = true;
    this.#stopTimer();
    this.#cancelReader(reason);
  }

  #cancelReader(reason: unknown): void {
    if ("peeked" in this.#reader) this.#reader.peeked.cancel(reason);
    else this.#reader.cancel(reason).catch(() => {});
  }
}
