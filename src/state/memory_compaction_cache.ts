/**
 * The embedded {@link CompactionCache}: in memory, bounded (the oldest entry
 * goes first) and expiring. A compaction is bound to the account that made
 * it and is only worth keeping while its conversation goes on.
 *
 * @module
 */
import type { InputItem } from "../request/request_model.ts";
import type { CompactionCache } from "./compaction_cache.ts";

/** Options of {@link MemoryCompactionCache}. */
export interface MemoryCompactionCacheOptions {
  maxEntries?: number;
  ttlSeconds?: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

/** A bounded, expiring map in memory. */
export class MemoryCompactionCache implements CompactionCache {
  readonly #entries = new Map<string, { items: readonly InputItem[]; at: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: MemoryCompactionCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 500;
    this.#ttlMs = (options.ttlSeconds ?? 6 * 3600) * 1000;
    this.#now = options.now ?? Date.now;
  }

  get(key: string): Promise<readonly InputItem[] | undefined> {
    const entry = this.#entries.get(key);
    if (entry && this.#now() - entry.at > this.#ttlMs) this.#entries.delete(key);
    return Promise.resolve(this.#entries.get(key)?.items);
  }

  set(key: string, items: readonly InputItem[]): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { items, at: this.#now() });
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return Promise.resolve();
  }
}
