/**
 * The status page's pure rendering helpers. They run in the browser: the
 * page embeds their source (`pageFunctions()`), so each is self-contained
 * (it may call the others by name, nothing else) and Deno tests call the
 * very same code. See docs/status-page.md.
 *
 * @module
 */
import type { UsageRow as ServerUsageRow } from "../state/usage_store.ts";

/**
 * One row of `GET /v1/usage?by=day,model` as the page reads it: the server's
 * row (the type is erased, nothing of it reaches the browser).
 */
export type UsageRow =
  & Pick<
    ServerUsageRow,
    | "day"
    | "model"
    | "requests"
    | "errors"
    | "input_tokens"
    | "cached_tokens"
    | "output_tokens"
    | "reasoning_tokens"
  >
  & Partial<Pick<ServerUsageRow, "cache_hit_ratio">>;

/** One usage window as the page draws it. */
export interface LimitView {
  used_percent?: number;
  window_minutes?: number;
  resets_at?: string;
}

/** One account as the page draws it (the shape of `/status`'s `accounts`). */
export interface AccountView {
  backend: string;
  name: string;
  email?: string;
  plan?: string;
  state: string;
  cooling_until?: string;
  account_id_short?: string;
  limits: { primary?: LimitView; secondary?: LimitView };
  last_error?: { code: string; message: string; at: string };
}

/** What the page reads of `/status` (every part may be missing). */
export interface StatusLike {
  accounts?: AccountView[];
  backends?: Record<string, {
    account?: { id?: string; plan?: string; error?: string };
    usage?: { plan_type?: string; primary?: LimitView; secondary?: LimitView } | null;
  }>;
}

/** Text made safe to put in HTML. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
}

/** 1234 → `1.2k`, 3400000 → `3.4M`. */
export function formatTokens(n: number): string {
  if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + "M";
  if (n >= 1e3) return (n / 1e3).toFixed(n >= 1e4 ? 0 : 1) + "k";
  return String(Math.round(n));
}

/** Milliseconds until a reset, as `3d 4h`, `2h 05m`, `4m 10s` or `now`. */
export function formatCountdown(ms: number): string {
  if (!(ms > 0)) return "now";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
  const m = Math.floor(s % 3600 / 60), sec = s % 60;
  const two = (v: number) => (v < 10 ? "0" : "") + v;
  if (d > 0) return d + "d " + h + "h";
  if (h > 0) return h + "h " + two(m) + "m";
  return m + "m " + two(sec) + "s";
}

/**
 * The accounts to draw: `/status`'s `accounts` when it has them, else one
 * per backend from its `account` and `usage` (the older shape).
 */
export function accountsFromStatus(status: StatusLike): AccountView[] {
  if (Array.isArray(status.accounts)) return status.accounts;
  return Object.entries(status.backends ?? {}).map(([backend, b]) => {
    const account = b.account ?? {};
    const usage = b.usage ?? {};
    return {
      backend,
      name: backend,
      plan: account.plan ?? usage.plan_type,
      state: account.error ? "needs_sign_in" : "ready",
      account_id_short: account.id,
      limits: { primary: usage.primary, secondary: usage.secondary },
      last_error: account.error
        ? { code: "no_credentials", message: account.error, at: "" }
        : undefined,
    };
  });
}

/** Cached input tokens over input tokens, or null with no input. */
export function cacheHitRatio(rows: readonly UsageRow[]): number | null {
  let input = 0, cached = 0;
  for (const r of rows) {
    input += r.input_tokens || 0;
    cached += r.cached_tokens || 0;
  }
  return input > 0 ? cached / input : null;
}

/**
 * Tokens per day (input + output), stacked by model, as an SVG bar chart
 * followed by its legend; null when there is nothing to draw. Series colours
 * come from the classes `s0`…`s5` (palette.ts).
 */
export function usageChart(rows: readonly UsageRow[], width = 640, height = 220): string | null {
  const days: string[] = [], models: string[] = [];
  const totals: Record<string, number> = {};
  const cells: Record<string, number> = {};
  for (const r of rows) {
    const tokens = (r.input_tokens || 0) + (r.output_tokens || 0);
    if (!r.day || !(tokens > 0)) continue;
    const model = r.model || "(unknown)";
    if (!days.includes(r.day)) days.push(r.day);
    if (!models.includes(model)) models.push(model);
    totals[r.day] = (totals[r.day] || 0) + tokens;
    cells[r.day + "\u0000" + model] = (cells[r.day + "\u0000" + model] || 0) + tokens;
  }
  if (days.length === 0) return null;
  days.sort();
  const max = Math.max(...days.map((d) => totals[d]));
  const top = 18, bottom = 22, left = 4;
  const plot = height - top - bottom;
  const slot = (width - left) / days.length;
  const barWidth = Math.max(4, Math.min(48, slot * 0.7));
  let bars = "";
  days.forEach((day, i) => {
    let y = top + plot;
    const x = left + i * slot + (slot - barWidth) / 2;
    models.forEach((model, m) => {
      const value = cells[day + "\u0000" + model] || 0;
      if (value === 0) return;
      const h = value / max * plot;
      y -= h;
      bars += '<rect class="s' + (m % 6) + '" x="' + x.toFixed(1) + '" y="' + y.toFixed(1) +
        '" width="' + barWidth.toFixed(1) + '" height="' + h.toFixed(1) + '" data-day="' +
        escapeHtml(day) + '" data-model="' + escapeHtml(model) + '" data-tokens="' + value +
        '"><title>' + escapeHtml(day + " " + model + ": " + formatTokens(value) + " tokens") +
        "</title></rect>";
    });
    bars += '<text x="' + (x + barWidth / 2).toFixed(1) + '" y="' + (height - 6) +
      '" text-anchor="middle">' + escapeHtml(day.slice(5)) + "</text>";
  });
  const svg = '<svg viewBox="0 0 ' + width + " " + height + '" role="img" aria-label="' +
    escapeHtml("Tokens per day by model, highest day " + formatTokens(max)) + '">' +
    '<text x="' + left + '" y="12">' + escapeHtml(formatTokens(max) + " tokens") + "</text>" +
    bars + "</svg>";
  const legend = models.map((model, m) =>
    '<li><span class="swatch s' + (m % 6) + '"></span>' + escapeHtml(model) + "</li>"
  ).join("");
  return svg + '<ul class="legend">' + legend + "</ul>";
}

/** The helpers' source, for the page's script (they are plain functions once types are gone). */
export function pageFunctions(): string {
  return [escapeHtml, formatTokens, formatCountdown, accountsFromStatus, cacheHitRatio, usageChart]
    .map((fn) => fn.toString()).join("\n");
}
