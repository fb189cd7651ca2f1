/**
 * The embedded {@link QuotaStore}: the latest figures per account in this
 * process's memory. One per app instance.
 *
 * @module
 */
import type { QuotaSnapshot } from "../upstream/quota_headers.ts";
import type { QuotaStore } from "./quota_store.ts";

/** Latest quota per account id, in memory. */
export class MemoryQuotaStore implements QuotaStore {
  readonly #byAccount = new Map<string, QuotaSnapshot>();

  save(accountId: string, snapshot: QuotaSnapshot): Promise<void> {
    this.#byAccount.set(accountId, snapshot);
    return Promise.resolve();
  }

  latest(accountId: string): Promise<QuotaSnapshot | undefined> {
    return Promise.resolve(this.#byAccount.get(accountId));
  }
}
