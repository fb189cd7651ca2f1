/**
 * One in-flight operation per key: concurrent callers with the same key share
 * the first caller's promise, so N requests needing a refresh of the same
 * credential file cause one refresh
 * (docs/backend-protocol.md#refresh-tokens-are-single-use).
 *
 * @module
 */

/** Shares one running promise per key; the key is forgotten once it settles. */
export class SingleFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  /**
   * Runs `fn` unless a call with the same key is running; then joins that one.
   *
   * @example
   * ```ts
   * const flight = new SingleFlight<string>();
   * const [a, b] = await Promise.all([flight.run("k", work), flight.run("k", work)]); // one `work`
   * ```
   */
  run(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key);
    if (running) return running;
    const started = fn().finally(() => this.#running.delete(key));
    this.#running.set(key, started);
    return started;
  }

  /** Whether a call with `key` is running. */
  has(key: string): boolean {
    return this.#running.has(key);
  }
}
