/**
 * A request's body, read within deadlines: no more than `idleMs` between two
 * chunks and `totalMs` for the whole body, counted from the request's
 * arrival. `Deno.serve` itself waits for a body for ever, so a client that
 * sends nothing (or one byte every few seconds) would hold its connection
 * and memory for as long as it likes. See docs/security.md.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { startTimer, type Timer } from "../timers.ts";

/** The deadlines of one request body, milliseconds. */
export interface BodyDeadlines {
  /** Longest wait for the next chunk. */
  idleMs: number;
  /** Longest time from the request's arrival to the body's end. */
  totalMs: number;
}

/** One request's body, read at most once, within {@link BodyDeadlines}. */
export class RequestBody {
  readonly #stream: ReadableStream<Uint8Array> | null;
  readonly #deadlines: BodyDeadlines;
  readonly #deadline: number;
  readonly #clock: () => number;
  #reader: ReadableStreamBYOBReader | ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Where a BYOB read lands; small while a client trickles (see #read). */
  #scratch = new Uint8Array(MIN_READ);
  #ended: boolean;
  /** A deadline passed or the client failed: never read again. */
  #broken = false;
  /** The read still waiting for the client when a deadline passed. */
  #abandoned: Promise<unknown> | undefined;

  constructor(
    stream: ReadableStream<Uint8Array> | null,
    deadlines: BodyDeadlines,
    clock: () => number = () => performance.now(),
  ) {
    this.#stream = stream;
    this.#deadlines = deadlines;
    this.#clock = clock;
    this.#deadline = clock() + deadlines.totalMs;
    this.#ended = stream === null;
  }

  /**
   * True when the whole body had arrived before it was first touched:
   * `Deno.serve` then hands it over as one buffer (not a byte stream), so
   * reading it cannot wait on the client.
   */
  arrivedWhole(): boolean {
    if (this.#ended) return true;
    this.#reader ??= openReader(this.#stream!);
    return !(this.#reader instanceof ReadableStreamBYOBReader);
  }

  /** True when the body was read to its end (or there was none). */
  get complete(): boolean {
    return this.#ended;
  }

  /**
   * Reads the whole body into one buffer (copied, so that the server's
   * per-read buffers are not kept alive by tiny chunks).
   *
   * @throws {ProxyError} 413 beyond `limitBytes` (given or declared), 408 past a deadline.
   */
  async readAll(limitBytes: number, declaredLength?: number): Promise<Uint8Array> {
    if (declaredLength !== undefined && declaredLength > limitBytes) throw tooLarge(limitBytes);
    // Grown as bytes arrive: a declared length alone must not reserve memory.
    let buffer = new Uint8Array(Math.min(declaredLength ?? 16 * 1024, 64 * 1024, limitBytes));
    let size = 0;
    for (;;) {
      const chunk = await this.#next();
      if (chunk === undefined) break;
      if (size + chunk.byteLength > limitBytes) throw tooLarge(limitBytes);
      if (size + chunk.byteLength > buffer.byteLength) {
        const grown = new Uint8Array(
          Math.min(limitBytes, Math.max(buffer.byteLength * 2, size + chunk.byteLength)),
        );
        grown.set(buffer.subarray(0, size));
        buffer = grown;
      }
      buffer.set(chunk, size);
      size += chunk.byteLength;
    }
    return buffer.subarray(0, size);
  }

  /**
   * Reads and drops what is left of the body within the same deadlines, so
   * that the connection can serve the client's next request.
   *
   * @returns true when the body ended in time; false when the connection
   * should be closed instead.
   */
  async drain(): Promise<boolean> {
    try {
      while ((await this.#next()) !== undefined) { /* dropped */ }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Lets go of the body once no read is waiting on it. `Deno.serve` keeps a
   * connection open while a read of its body is pending, even after the
   * answer, so this waits for the client's next byte (or its leaving) first.
   */
  async release(): Promise<void> {
    await this.#abandoned?.catch(() => {});
    await this.#reader?.cancel().catch(() => {});
  }

  /** The next chunk (valid until the following read), or undefined at the end. */
  async #next(): Promise<Uint8Array | undefined> {
    if (this.#ended) return undefined;
    if (this.#broken) throw this.#timeout("total");
    this.#reader ??= openReader(this.#stream!);
    const left = this.#deadline - this.#clock();
    const which = left <= this.#deadlines.idleMs ? "total" : "idle";
    const waitMs = Math.max(0, Math.min(left, this.#deadlines.idleMs));
    let timer: Timer | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = startTimer(waitMs, () => resolve("expired"));
    });
    const read = this.#read(this.#reader);
    try {
      const result = await Promise.race([read, expired]);
      if (result === "expired") {
        this.#broken = true;
        // Cancelling now would not free the connection (see release()).
        this.#abandoned = read;
        read.catch(() => {});
        throw this.#timeout(which);
      }
      if (result.done) {
        this.#ended = true;
        return undefined;
      }
      return result.value;
    } catch (err) {
      this.#broken = true;
      throw err instanceof ProxyError ? err : unreadable(err);
    } finally {
      timer?.cancel();
    }
  }

  /**
   * One read. A body `Deno.serve` streams is a byte stream: reading it into
   * our own small buffer keeps a waiting read at a few KB, where the default
   * reader holds about 200 KB per connection while a client trickles. The
   * buffer grows while reads fill it (fast uploads) and shrinks back after.
   */
  async #read(
    reader: ReadableStreamBYOBReader | ReadableStreamDefaultReader<Uint8Array>,
  ): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (!(reader instanceof ReadableStreamBYOBReader)) return await reader.read();
    const size = this.#scratch.byteLength;
    const result = await reader.read(this.#scratch);
    if (result.done) return { done: true, value: undefined };
    const filled = result.value.byteLength === size;
    const next = filled ? Math.min(size * 2, MAX_READ) : MIN_READ;
    // The read took the buffer over: reuse it when its size stays. The chunk is a view
    // of it, so it is valid until the next read (readAll copies it out at once).
    this.#scratch = next === size ? new Uint8Array(result.value.buffer) : new Uint8Array(next);
    return { done: false, value: result.value };
  }

  #timeout(which: "idle" | "total"): ProxyError {
    const message = which === "idle"
      ? `The request body stalled: no data for ${
        this.#deadlines.idleMs / 1000
      } s (server.body_idle_timeout_seconds).`
      : `The request body did not arrive within ${
        this.#deadlines.totalMs / 1000
      } s (server.body_timeout_seconds).`;
    return new ProxyError(408, message, { code: "request_timeout", type: "invalid_request_error" });
  }
}

const MIN_READ = 4 * 1024;
const MAX_READ = 256 * 1024;

/**
 * A BYOB reader when the stream is a byte stream (no per-read allocation), else the default one.
 * A body that arrived whole is not a byte stream, and only the refusal says so: the refusal's
 * error is built without a stack trace (capturing one was most of the cost, on most requests).
 */
function openReader(
  stream: ReadableStream<Uint8Array>,
): ReadableStreamBYOBReader | ReadableStreamDefaultReader<Uint8Array> {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return stream.getReader({ mode: "byob" });
  } catch {
    return stream.getReader();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The body broke off: the client left (the usual case) or sent broken framing. */
function unreadable(err: unknown): ProxyError {
  if (err instanceof Deno.errors.BadResource || err instanceof Deno.errors.ConnectionReset) {
    return new ProxyError(499, "The client closed the connection before its request body ended", {
      code: "client_closed_request",
    });
  }
  return new ProxyError(400, `The request body could not be read: ${(err as Error)?.message}`, {
    code: "invalid_body",
    type: "invalid_request_error",
  });
}

function tooLarge(limit: number): ProxyError {
  return new ProxyError(
    413,
    `The request body is larger than the limit of ${
      Math.round(limit / 1048576)
    } MB (server.body_limit_mb)`,
    { code: "request_too_large", type: "invalid_request_error" },
  );
}
