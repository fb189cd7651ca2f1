/**
 * `since` and `by` as a person writes them (`7d`, `24h`, `2026-11-01`;
 * `day,model`), for `codexgate usage` and `GET /v1/usage`.
 *
 * @module
 */
import { badRequest } from "../errors.ts";
import { USAGE_GROUPS, type UsageGroup, type UsageQuery } from "../state/usage_store.ts";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `7d` / `12h` / `30m` / `2w` before `now`, or an ISO date or time.
 *
 * @throws {ProxyError} 400 for anything else.
 */
export function parseSince(text: string, now: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(text.trim());
  if (m) return now - Number(m[1]) * UNIT_MS[m[2].toLowerCase()];
  const t = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim()) && !Number.isNaN(t)) return t;
  throw badRequest(
    `since: expected a duration like 7d, 24h, 30m, 2w or a date like 2026-11-01, got ${
      JSON.stringify(text)
    }`,
    { param: "since", code: "invalid_since" },
  );
}

/**
 * `day,model` → groups (duplicates dropped).
 *
 * @throws {ProxyError} 400 naming the groups allowed.
 */
export function parseBy(text: string): UsageGroup[] {
  const parts = text.split(",").map((p) => p.trim().toLowerCase()).filter((p) => p !== "");
  const bad = parts.filter((p) => !USAGE_GROUPS.includes(p as UsageGroup));
  if (parts.length === 0 || bad.length) {
    throw badRequest(
      `by: expected a comma list of ${USAGE_GROUPS.join(", ")}, got ${JSON.stringify(text)}`,
      { param: "by", code: "invalid_by" },
    );
  }
  return [...new Set(parts)] as UsageGroup[];
}

/** The query of `since` (default 7d) and `by` (default day), ending now. */
export function usageQuery(
  params: { since?: string | null; by?: string | null },
  now: number,
): UsageQuery {
  return {
    since: parseSince(params.since ?? "7d", now),
    until: now + 1,
    by: parseBy(params.by ?? "day"),
  };
}
