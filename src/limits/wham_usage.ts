/**
 * The backend's usage document (`GET …/backend-api/wham/usage`): read into a
 * snapshot when codexgate polls it, and written back in the same shape when
 * the Codex CLI asks codexgate (docs/limits-and-usage.md#the-codex-cli-asks-codexgate).
 * The CLI decodes whole numbers and requires `allowed`, `limit_reached`, all
 * four window fields and both credit flags, so the answer always has them.
 *
 * @module
 */
import {
  compact,
  type LimitFamily,
  type QuotaSnapshot,
  type QuotaWindow,
} from "../upstream/quota_headers.ts";
import { asObject, readCredits, readWindow, str } from "./limit_json.ts";

/** A `wham/usage` answer → snapshot. Undefined when it is not that document. */
export function parseWhamUsage(body: unknown, now: number): QuotaSnapshot | undefined {
  const o = asObject(body);
  if (!o) return undefined;
  const limit = asObject(o.rate_limit);
  if (!limit && !o.plan_type) return undefined;
  const additional: LimitFamily[] = [];
  for (const entry of Array.isArray(o.additional_rate_limits) ? o.additional_rate_limits : []) {
    const a = asObject(entry);
    const rl = asObject(a?.rate_limit);
    const id = str(a?.metered_feature) ?? str(a?.limit_name);
    if (!a || !rl || !id) continue;
    additional.push(compact({
      id,
      name: str(a.limit_name),
      primary: readWindow(rl.primary_window, now),
      secondary: readWindow(rl.secondary_window, now),
    }));
  }
  return compact<QuotaSnapshot>({
    plan_type: str(o.plan_type),
    primary: readWindow(limit?.primary_window, now),
    secondary: readWindow(limit?.secondary_window, now),
    additional: additional.length ? additional : undefined,
    credits: readCredits(o.credits),
    limit_reached: typeof limit?.limit_reached === "boolean" ? limit.limit_reached : undefined,
    source: "poll",
    updated_at: new Date(now).toISOString(),
    headers: {},
  });
}

/** The wire form of one window. */
export interface WhamWindow {
  used_percent: number;
  limit_window_seconds: number;
  reset_after_seconds: number;
  reset_at: number;
}

function window(w: QuotaWindow | undefined, now: number): WhamWindow | null {
  if (!w || w.used_percent === undefined) return null;
  const resetAt = w.resets_at ? Date.parse(w.resets_at) : now + (w.reset_after_seconds ?? 0) * 1000;
  return {
    used_percent: Math.round(w.used_percent),
    limit_window_seconds: Math.round((w.window_minutes ?? 0) * 60),
    reset_after_seconds: Math.max(0, Math.round((resetAt - now) / 1000)),
    reset_at: Math.floor(resetAt / 1000),
  };
}

function rateLimit(
  primary: QuotaWindow | undefined,
  secondary: QuotaWindow | undefined,
  reached: boolean,
  now: number,
) {
  return {
    allowed: !reached,
    limit_reached: reached,
    primary_window: window(primary, now),
    secondary_window: window(secondary, now),
  };
}

/**
 * A snapshot → the `wham/usage` document the Codex CLI reads. `plan` is the
 * fallback when no figure named the plan (the sign-in's own claim).
 */
export function renderWhamUsage(
  snapshot: QuotaSnapshot | undefined,
  plan: string | undefined,
  now: number,
): Record<string, unknown> {
  const s = snapshot;
  const reached = s?.limit_reached ?? false;
  const credits = s?.credits;
  return {
    plan_type: s?.plan_type ?? plan ?? "unknown",
    rate_limit: s?.primary || s?.secondary ? rateLimit(s.primary, s.secondary, reached, now) : null,
    additional_rate_limits: (s?.additional ?? []).map((f) => ({
      limit_name: f.name ?? f.id,
      metered_feature: f.id,
      rate_limit: rateLimit(f.primary, f.secondary, false, now),
    })),
    credits: credits
      ? {
        has_credits: credits.has_credits ?? false,
        unlimited: credits.unlimited ?? false,
        balance: credits.balance ?? null,
      }
      : null,
  };
}
