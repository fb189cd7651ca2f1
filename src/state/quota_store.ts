/**
 * Where the plan's latest usage figures are kept, per account, so `/status`,
 * `/metrics` and the Codex CLI's usage routes can show them and an answer
 * without usage headers still carries the last known ones. Asynchronous, so
 * that a store shared by several replicas can replace the embedded one
 * (memory_quota_store.ts). Keyed by the account id the credentials give.
 *
 * @module
 */
import {
  compact,
  parseQuota,
  pickQuotaHeaders,
  type QuotaSnapshot,
  type QuotaWindow,
} from "../upstream/quota_headers.ts";

/** Latest quota figures by account id. */
export interface QuotaStore {
  /** Keeps `snapshot` as the account's latest figures. */
  save(accountId: string, snapshot: QuotaSnapshot): Promise<void>;
  /** The account's latest figures, if any answer carried some. */
  latest(accountId: string): Promise<QuotaSnapshot | undefined>;
}

/**
 * Figures from one source laid over the older ones: what the newer source
 * says wins, what it does not say is kept (a header-only answer does not
 * erase credits the poll found).
 */
export function mergeQuota(older: QuotaSnapshot | undefined, newer: QuotaSnapshot): QuotaSnapshot {
  if (!older) return newer;
  const window = (a?: QuotaWindow, b?: QuotaWindow) => (a || b ? { ...a, ...b } : undefined);
  const families = new Map((older.additional ?? []).map((f) => [f.id, f]));
  for (const f of newer.additional ?? []) {
    const o = families.get(f.id);
    families.set(f.id, {
      ...o,
      ...f,
      primary: window(o?.primary, f.primary),
      secondary: window(o?.secondary, f.secondary),
    });
  }
  return compact({
    ...older,
    ...compact(newer),
    primary: window(older.primary, newer.primary),
    secondary: window(older.secondary, newer.secondary),
    additional: families.size ? [...families.values()].map(compact) : undefined,
    credits: older.credits || newer.credits ? { ...older.credits, ...newer.credits } : undefined,
    headers: Object.keys(newer.headers).length ? newer.headers : older.headers,
  });
}

/** Merges `snapshot` into the account's figures. */
export async function updateQuota(
  store: QuotaStore,
  accountId: string,
  snapshot: QuotaSnapshot,
): Promise<void> {
  await store.save(accountId, mergeQuota(await store.latest(accountId), snapshot));
}

/**
 * Records an answer's usage headers for `accountId` and returns the ones to
 * pass on to the client: this answer's, else the last known.
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
    await updateQuota(store, accountId, snapshot);
    return picked;
  }
  return (await store.latest(accountId))?.headers ?? {};
}
