/**
 * The usage history: one row per finished completion, summed on demand by
 * day, model, account, dialect or client (`codexgate usage`, `GET /v1/usage`).
 * The embedded default is a SQLite file in the data directory
 * (sqlite_usage_store.ts); a store shared by several replicas can
 * replace it (docs/limits-and-usage.md#usage-history).
 *
 * @module
 */

/** One finished request as the history keeps it (never a key, never a body). */
export interface UsageRecord {
  /** Epoch milliseconds when the answer ended. */
  time: number;
  id: string;
  model?: string;
  dialect?: string;
  backend?: string;
  account?: string;
  client?: string;
  status: number;
  errorCode?: string;
  latencyMs: number;
  ttfbMs?: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** What a summary groups by. */
export type UsageGroup = "day" | "model" | "account" | "dialect" | "client";

/** Every {@link UsageGroup}, in the order columns are shown. */
export const USAGE_GROUPS: readonly UsageGroup[] = ["day", "model", "account", "dialect", "client"];

/** A summary's window and grouping. */
export interface UsageQuery {
  /** Epoch milliseconds, inclusive. */
  since: number;
  /** Epoch milliseconds, exclusive. */
  until: number;
  by: readonly UsageGroup[];
}

/** One summed row. */
export interface UsageRow {
  day?: string;
  model?: string;
  account?: string;
  dialect?: string;
  client?: string;
  requests: number;
  errors: number;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** cached ÷ input tokens (0 without input). */
  cache_hit_ratio: number;
}

/** Where finished requests are kept and summed. */
export interface UsageStore {
  /** Keeps one finished request. Never throws: a broken store must not stop serving. */
  record(entry: UsageRecord): Promise<void>;
  /**
   * Sums the window by the groups.
   *
   * @throws {ProxyError} 503 when the history cannot be read now.
   */
  summary(query: UsageQuery): Promise<UsageRow[]>;
  /** Releases the store's resources. */
  close(): void;
}
