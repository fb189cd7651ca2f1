/**
 * Bytes → Server-Sent Events frames. No cap on a frame's size: an image or a
 * large tool argument can make one event megabytes long
 * (docs/backend-protocol.md#reading-the-stream).
 *
 * @module
 */

/** One SSE frame. `event` is empty when the frame had no `event:` line. */
export interface SseFrame {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental SSE parser: feed it text, it calls `onFrame` for each
 * complete frame, per the WHATWG event-stream rules: `\n`, `\r\n` or `\r`
 * line ends (also split across chunks), comments skipped, multi-line `data`
 * joined with `\n`.
 *
 * @example
 * ```ts
 * const parser = new SseParser((frame) => console.log(frame.event, frame.data));
 * parser.feed("event: a\ndata: 1\n\n");
 * ```
 */
export class SseParser {
  #partial = "";
  #skipLeadingLf = false;
  #event = "";
  #data: string[] = [];
  #hasData = false;
  #id: string | undefined;
  readonly #onFrame: (frame: SseFrame) => void;

  constructor(onFrame: (frame: SseFrame) => void) {
    this.#onFrame = onFrame;
  }

  /** Feeds decoded text. */
  feed(text: string): void {
    let start = 0;
    if (this.#skipLeadingLf && text.charCodeAt(0) === 10) start = 1;
    this.#skipLeadingLf = false;
    if (text.indexOf("\r", start) === -1) {
      // Fast path (every backend stream): only "\n" line ends, found by the native indexOf.
      for (let i = text.indexOf("\n", start); i !== -1; i = text.indexOf("\n", start)) {
        const piece = text.slice(start, i);
        this.#line(this.#partial === "" ? piece : this.#partial + piece);
        this.#partial = "";
        start = i + 1;
      }
      if (start < text.length) this.#partial += text.slice(start);
      return;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const piece = text.slice(start, i);
      this.#line(this.#partial === "" ? piece : this.#partial + piece);
      this.#partial = "";
      if (c === 13) {
        if (i + 1 === text.length) this.#skipLeadingLf = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < text.length) this.#partial += text.slice(start);
  }

  /** Ends the input: a last frame without its blank line is still delivered. */
  end(): void {
    if (this.#partial !== "") this.#line(this.#partial);
    this.#partial = "";
    this.#dispatch();
  }

  #dispatch(): void {
    if (this.#hasData) {
      const data = this.#data.length === 1 ? this.#data[0] : this.#data.join("\n");
      const frame: SseFrame = { event: this.#event, data };
      if (this.#id !== undefined) frame.id = this.#id;
      this.#onFrame(frame);
    }
    this.#event = "";
    this.#data = [];
    this.#hasData = false;
  }

  #line(text: string): void {
    if (text === "") return this.#dispatch();
    if (text.charCodeAt(0) === 58 /* : */) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") {
      this.#data.push(value);
      this.#hasData = true;
    } else if (field === "event") this.#event = value;
    else if (field === "id") this.#id = value;
  }
}

/**
 * Bytes → {@link SseFrame}s, as a stream. A function, not a class extending
 * `TransformStream`: such a class reads the global at module load, which
 * loads Deno's web streams before the server can listen.
 *
 * @example
 * ```ts
 * const frames = response.body!.pipeThrough(sseParseStream());
 * ```
 */
export function sseParseStream(): TransformStream<Uint8Array, SseFrame> {
  const decoder = new TextDecoder();
  let parser: SseParser;
  return new TransformStream<Uint8Array, SseFrame>({
    start(controller) {
      parser = new SseParser((frame) => controller.enqueue(frame));
    },
    transform(chunk) {
      parser.feed(decoder.decode(chunk, { stream: true }));
    },
    flush() {
      parser.feed(decoder.decode());
      parser.end();
    },
  });
}
