/**
 * A {@link UsageStore} made on first use: the first finished request (whose
 * row is written after its answer was sent) or the first query creates the
 * real store. The embedded SQLite store needs `node:sqlite`, whose import
 * loads Deno's Node compatibility layer; serving must not wait for it
 * (docs/operations.md#startup).
 *
 * @module
 */
import type { UsageQuery, UsageRecord, UsageRow, UsageStore } from "./usage_store.ts";

/** Creates the real store once, on the first call that needs it. */
export class LazyUsageStore implements UsageStore {
  readonly #create: () => Promise<UsageStore>;
  #store: Promise<UsageStore> | undefined;

  constructor(create: () => Promise<UsageStore>) {
    this.#create = create;
  }

  #get(): Promise<UsageStore> {
    return this.#store ??= this.#create();
  }

  /** Rows keep their order: each waits for the same store, in call order. */
  async record(entry: UsageRecord): Promise<void> {
    try {
      await (await this.#get()).record(entry);
    } catch {
      // Never throws (UsageStore's contract); the real store logs its own failures.
    }
  }

  async summary(query: UsageQuery): Promise<UsageRow[]> {
    return await (await this.#get()).summary(query);
  }

  close(): void {
    this.#store?.then((store) => store.close(), () => {});
  }
}
