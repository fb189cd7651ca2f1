/**
 * `stop` emulation: the backend takes no stop sequences, so codexgate cuts the
 * answer's text at the first one itself (the stop string is not included, as
 * with OpenAI). Streaming holds back only the tail that could still become a
 * stop string.
 *
 * @module
 */

/** The index of the earliest stop string in `text`, or -1. */
export function findStop(text: string, stops: readonly string[]): number {
  let best = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at !== -1 && (best === -1 || at < best)) best = at;
  }
  return best;
}

/** Cuts streamed text at the first stop string. One per response. */
export class StopSequenceCutter {
  readonly #stops: readonly string[];
  #held = "";
  #stopped = false;

  constructor(stops: readonly string[]) {
    this.#stops = stops.filter((s) => s !== "");
  }

  /** Whether a stop string was seen; later text is dropped. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Takes a text delta; returns what may be sent now. */
  push(delta: string): string {
    if (this.#stopped) return "";
    if (this.#stops.length === 0) return delta;
    const text = this.#held + delta;
    const at = findStop(text, this.#stops);
    if (at !== -1) {
      this.#stopped = true;
      this.#held = "";
      return text.slice(0, at);
    }
    const keep = this.#partialTail(text);
    this.#held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** Releases held text at the end of a message (it cannot start a stop string any more). */
  flush(): string {
    const held = this.#held;
    this.#held = "";
    return held;
  }

  /** Length of the longest tail of `text` that is a proper prefix of some stop string. */
  #partialTail(text: string): number {
    let keep = 0;
    for (const stop of this.#stops) {
      for (let k = Math.min(stop.length - 1, text.length); k > keep; k--) {
        if (text.endsWith(stop.slice(0, k))) {
          keep = k;
          break;
        }
      }
    }
    return keep;
  }
}
