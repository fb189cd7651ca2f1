/**
 * Completed Responses kept in memory so that `previous_response_id`,
 * `item_reference` and `GET /v1/responses/{id}` work although the backend
 * stores nothing (spec §4). Bounded by count (oldest dropped first) and by
 * age. One store per app instance, never a module global.
 *
 * @module
 */
import type { InputItem } from "../request/request_model.ts";

/** One stored response. */
export interface StoredResponse {
  id: string;
  /** The full conversation input of that request (after its own expansion). */
  input: readonly InputItem[];
  /** The items the model produced. */
  output: readonly InputItem[];
  /** The `response` object as the client received it. */
  response: Record<string, unknown>;
}

/** Limits of a {@link ResponseStore}. */
export interface ResponseStoreOptions {
  maxEntries: number;
  ttlSeconds: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

/** A bounded, expiring map of response id → stored response. */
export class ResponseStore {
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
  save(value: StoredResponse): void {
    this.#entries.delete(value.id);
    this.#entries.set(value.id, { value, storedAt: this.#now() });
    this.#prune();
  }

  /** The stored response, or undefined when unknown or expired. */
  get(id: string): StoredResponse | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (this.#expired(entry.storedAt)) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.value;
  }

  /** Removes a response; true when it was there. */
  delete(id: string): boolean {
    return this.#entries.delete(id);
  }

  /** The newest stored item (input or output) with this item id, for `item_reference`. */
  findItem(itemId: string): InputItem | undefined {
    this.#prune();
    const entries = [...this.#entries.values()];
    for (let i = entries.length - 1; i >= 0; i--) {
      const { output, input } = entries[i].value;
      const found = output.find((item) => hasId(item, itemId)) ??
        input.find((item) => hasId(item, itemId));
      if (found) return found;
    }
    return undefined;
  }

  /** How many responses are kept. */
  get size(): number {
    this.#prune();
    return this.#entries.size;
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
