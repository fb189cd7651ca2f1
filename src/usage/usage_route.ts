/**
 * `GET /v1/usage?since=7d&by=day,model`: the usage history summed, as JSON
 * (the same figures as `codexgate usage`, docs/limits-and-usage.md#usage-history).
 *
 * @module
 */
import type { UsageGroup, UsageRow, UsageStore } from "../state/usage_store.ts";
import { usageQuery } from "./usage_query.ts";

/** The JSON answer. */
export interface UsageAnswer {
  object: "usage";
  since: string;
  until: string;
  by: UsageGroup[];
  rows: UsageRow[];
}

/**
 * Answers the query in `url`.
 *
 * @throws {ProxyError} 400 for a bad `since`/`by`; 503 / 404 when the history cannot be read / is off.
 */
export async function usageAnswer(url: URL, store: UsageStore, now: number): Promise<UsageAnswer> {
  const query = usageQuery(
    { since: url.searchParams.get("since"), by: url.searchParams.get("by") },
    now,
  );
  const rows = await store.summary(query);
  return {
    object: "usage",
    since: new Date(query.since).toISOString(),
    until: new Date(now).toISOString(),
    by: [...query.by],
    rows,
  };
}
