/**
 * The embedded {@link TurnStateStore}: in memory, bounded (the least recently
 * used conversation goes first) and expiring, so a long-running proxy does not
 * grow with every conversation it ever saw.
 *
 * @module
 */
import type { TurnStateStore } from "./turn_state_store.ts";

/** Options of {@link MemoryTurnStateStore}. */
export interface MemoryTurnStateStoreOptions {
  /** Conversations kept at most (default 1000). */
  maxEntries?: number;
  /** Seconds a turn state is kept after it was last written (default 6 h). */
  ttlSeconds?: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

/** Turn states in a bounded, expiring map. */
export class MemoryTurnStateStore implements TurnStateStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: MemoryTurnStateStoreOptions = {}) {
    this.#max = options.maxEntries ?? 1000;
    this.#ttlMs = (options.ttlSeconds ?? 6 * 3600) * 1000;
    this.#now = options.now ?? Date.now;
  }

  get(conversationId: string): Promise<string | undefined> {
    const entry = this.#entries.get(conversationId);
    if (!entry) return Promise.resolve(undefined);
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(conversationId);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.value);
  }

  set(conversationId: string, value: string): Promise<void> {
    // Re-inserting moves the key to the end: the map's order is least recently written first.
    this.#entries.delete(conversationId);
    this.#entries.set(conversationId, { value, expiresAt: this.#now() + this.#ttlMs });
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return Promise.resolve();
  }

  /** How many conversations are kept (for tests and `/status`). */
  get size(): number {
    return this.#entries.size;
  }
}
