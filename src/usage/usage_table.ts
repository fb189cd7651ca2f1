/**
 * A usage summary as a plain-text table for a terminal: one line per group,
 * token counts, errors and the cache hit ratio (docs/limits-and-usage.md#reading-codexgate-usage).
 *
 * @module
 */
import type { UsageGroup, UsageRow } from "../state/usage_store.ts";

/** Renders rows with a total line. */
export function usageTable(rows: readonly UsageRow[], by: readonly UsageGroup[]): string {
  if (rows.length === 0) return "No requests in this window.\n";
  const total = rows.reduce(
    (t, r) => ({
      requests: t.requests + r.requests,
      errors: t.errors + r.errors,
      input_tokens: t.input_tokens + r.input_tokens,
      cached_tokens: t.cached_tokens + r.cached_tokens,
      output_tokens: t.output_tokens + r.output_tokens,
      reasoning_tokens: t.reasoning_tokens + r.reasoning_tokens,
    }),
    {
      requests: 0,
      errors: 0,
      input_tokens: 0,
      cached_tokens: 0,
      output_tokens: 0,
      reasoning_tokens: 0,
    },
  );
  const ratio = (cached: number, input: number) =>
    input ? `${(cached / input * 100).toFixed(1)}%` : "-";
  const header = [
    ...by,
    "requests",
    "errors",
    "input",
    "cached",
    "cache hit",
    "output",
    "reasoning",
  ];
  const line = (keys: string[], r: Omit<UsageRow, "cache_hit_ratio">) => [
    ...keys,
    String(r.requests),
    String(r.errors),
    String(r.input_tokens),
    String(r.cached_tokens),
    ratio(r.cached_tokens, r.input_tokens),
    String(r.output_tokens),
    String(r.reasoning_tokens),
  ];
  const body = rows.map((r) => line(by.map((g) => r[g] || "-"), r));
  const lines = [header, ...body, line(by.map((_, i) => (i === 0 ? "total" : "")), total)];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const numeric = (i: number) => i >= by.length;
  const fmt = (l: string[]) =>
    l.map((c, i) => numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ").trimEnd();
  return [
    fmt(header),
    ...body.map(fmt),
    widths.map((w) => "-".repeat(w)).join("  "),
    fmt(lines.at(-1)!),
  ]
    .join("\n") + "\n";
}
