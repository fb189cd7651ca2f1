/**
 * The embedded {@link ResponseStore}: completed Responses kept in this
 * process's memory, bounded by count (oldest dropped first) and by age. One
 * store per app instance, never a module global.
 *
 * @module
 */
import type { InputItem } from "../request/request_model.ts";
import type { ResponseStore, StoredResponse } from "./response_store.ts";

/** Limits of a {@link MemoryResponseStore}. */
export interface ResponseStoreOptions {
  maxEntries: number;
  ttlSeconds: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

/** A bounded, expiring map of response id → stored response. */
export class MemoryResponseStore implements ResponseStore {
  readonly #entries = new Map<string, { value: StoredResponse; storedAt: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: ResponseStoreOptions) {
    this.#maxEntries = options.maxEntries;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Stores a response, replacing one with the same id; drops the oldest beyond the limit. */
  save(value: StoredResponse): Promise<void> {
    this.#entries.delete(value.id);
    this.#entries.set(value.id, { value, storedAt: this.#now() });
    this.#prune();
    return Promise.resolve();
  }

  /** The stored response, or undefined when unknown or expired. */
  get(id: string): Promise<StoredResponse | undefined> {
    return Promise.resolve(this.#get(id));
  }

  /** Removes a response; true when it was there. */
  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.#entries.delete(id));
  }

  /** The newest stored item (input or output) with this item id, for `item_reference`. */
  findItem(itemId: string): Promise<InputItem | undefined> {
    this.#prune();
    const entries = [...this.#entries.values()];
    for (let i = entries.length - 1; i >= 0; i--) {
      const { output, input } = entries[i].value;
      const found = output.find((item) => hasId(item, itemId)) ??
        input.find((item) => hasId(item, itemId));
      if (found) return Promise.resolve(found);
    }
    return Promise.resolve(undefined);
  }

  /** How many responses are kept. */
  get size(): number {
    this.#prune();
    return this.#entries.size;
  }

  #get(id: string): StoredResponse | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (this.#expired(entry.storedAt)) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.value;
  }

  #expired(storedAt: number): boolean {
    return this.#now() - storedAt > this.#ttlMs;
  }

  #prune(): void {
    // Map order is insertion order: the first entries are the oldest.
    for (const [id, entry] of this.#entries) {
      if (this.#entries.size > this.#maxEntries || this.#expired(entry.storedAt)) {
        this.#entries.delete(id);
      } else break;
    }
  }
}

function hasId(item: InputItem, id: string): boolean {
  return (item as { id?: unknown }).id === id;
}
