/**
 * Emulates stop sequences (Chat `stop`, Anthropic `stop_sequences`) on
 * streamed text, since the backend has no stop parameter: text is passed on
 * as it comes, except a tail that could be the start of a stop sequence,
 * which waits for the next piece. The stop sequence itself is never sent.
 *
 * @module
 */

/** What one piece of text produced. */
export interface CutResult {
  /** Text safe to send now. */
  text: string;
  /** The stop sequence found; nothing after it may be sent. */
  matched?: string;
}

/** Cuts one text block at the first stop sequence. One instance per block. */
export class StopSequenceCutter {
  readonly #stops: readonly string[];
  #held = "";
  #matched?: string;

  constructor(stops: readonly string[]) {
    this.#stops = stops.filter((s) => s !== "");
  }

  /** Whether a stop sequence was seen; later text is dropped. */
  get stopped(): boolean {
    return this.#matched !== undefined;
  }

  /** Feeds a piece of text. */
  push(piece: string): CutResult {
    if (this.#matched !== undefined) return { text: "" };
    const buffer = this.#held + piece;
    let at = -1;
    let matched: string | undefined;
    for (const stop of this.#stops) {
      const i = buffer.indexOf(stop);
      if (i !== -1 && (at === -1 || i < at)) {
        at = i;
        matched = stop;
      }
    }
    if (matched !== undefined) {
      this.#matched = matched;
      this.#held = "";
      return { text: buffer.slice(0, at), matched };
    }
    const hold = this.#heldTail(buffer);
    this.#held = buffer.slice(buffer.length - hold);
    return { text: buffer.slice(0, buffer.length - hold) };
  }

  /** The held-back tail, at the end of the block. */
  flush(): string {
    const out = this.#matched === undefined ? this.#held : "";
    this.#held = "";
    return out;
  }

  /** Length of the longest suffix of `buffer` that begins some stop sequence. */
  #heldTail(buffer: string): number {
    let best = 0;
    for (const stop of this.#stops) {
      for (let k = Math.min(stop.length - 1, buffer.length); k > best; k--) {
        if (stop.startsWith(buffer.slice(buffer.length - k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  }
}

/** Cuts a whole text at the first stop sequence (non-streaming answers). */
export function cutAtStopSequence(text: string, stops: readonly string[]): CutResult {
  const cutter = new StopSequenceCutter(stops);
  const result = cutter.push(text);
  return result.matched !== undefined ? result : { text: result.text + cutter.flush() };
}
