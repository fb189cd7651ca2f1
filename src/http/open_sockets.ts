/**
 * The WebSockets open right now, so that a shutdown can wait for them.
 * `Deno.serve`'s own shutdown closes every upgraded socket at once (1001),
 * which would cut a turn mid-answer; main.ts first asks the sockets to end
 * (each closes after its running turn) and waits, within the grace period,
 * until they have.
 *
 * @module
 */

/** Open sockets, each known by the promise that settles when it closes. */
export class OpenSockets {
  readonly #open = new Set<Promise<void>>();

  /** Counts a socket as open until `closed` settles. */
  track(closed: Promise<void>): void {
    this.#open.add(closed);
    closed.finally(() => this.#open.delete(closed));
  }

  get size(): number {
    return this.#open.size;
  }

  /** Settles once every socket open now (or opened meanwhile) has closed. */
  async settled(): Promise<void> {
    while (this.#open.size > 0) await Promise.allSettled([...this.#open]);
  }
}
