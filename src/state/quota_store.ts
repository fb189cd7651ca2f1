/**
 * Where the plan's latest usage figures are kept, per account, so `/status`
 * can show them and an answer without `x-codex-*` headers still carries the
 * last known ones. Asynchronous, so that a store shared by several replicas
 * can replace the embedded one (memory_quota_store.ts).
 *
 * @module
 */
import { parseQuota, pickQuotaHeaders, type QuotaSnapshot } from "../upstream/quota_headers.ts";

/** Latest quota figures by account id. */
export interface QuotaStore {
  /** Keeps `snapshot` as the account's latest figures. */
  save(accountId: string, snapshot: QuotaSnapshot): Promise<void>;
  /** The account's latest figures, if any answer carried some. */
  latest(accountId: string): Promise<QuotaSnapshot | undefined>;
}

/**
 * Records an answer's `x-codex-*` headers for `accountId` and returns the
 * ones to pass on to the client: this answer's, else the last known.
 *
 * @example
 * ```ts
 * const passOn = await recordQuota(store, credentials.accountId, response.headers, Date.now());
 * ```
 */
export async function recordQuota(
  store: QuotaStore,
  accountId: string,
  headers: Headers,
  now: number,
): Promise<Record<string, string>> {
  const picked = pickQuotaHeaders(headers);
  const snapshot = parseQuota(picked, now);
  if (snapshot) {
    await store.save(accountId, snapshot);
    return picked;
  }
  return (await store.latest(accountId))?.headers ?? {};
}
