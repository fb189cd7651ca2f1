/**
 * Usage windows and credits as JSON carries them (the stream's
 * `codex.rate_limits` event and `wham/usage`): lenient readers that accept
 * the field spellings seen so far (docs/limits-and-usage.md#where-the-figures-come-from).
 *
 * @module
 */
import {
  compact,
  epochToIso,
  type QuotaCredits,
  type QuotaWindow,
} from "../upstream/quota_headers.ts";

type Json = Record<string, unknown>;

/** A plain object, or undefined. */
export function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Json
    : undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** `{used_percent, window_minutes | limit_window_seconds, reset_at | resets_at, reset_after_seconds}`. */
export function readWindow(value: unknown, now: number): QuotaWindow | undefined {
  const o = asObject(value);
  if (!o) return undefined;
  const seconds = num(o.limit_window_seconds);
  const after = num(o.reset_after_seconds) ?? num(o.resets_in_seconds);
  const at = o.reset_at ?? o.resets_at;
  let resetsAt: string | undefined;
  if (typeof at === "string" && Number.isNaN(Number(at)) && !Number.isNaN(Date.parse(at))) {
    resetsAt = new Date(at).toISOString();
  } else if (num(at) !== undefined) resetsAt = epochToIso(num(at)!);
  else if (after !== undefined) resetsAt = new Date(now + after * 1000).toISOString();
  const w = compact<QuotaWindow>({
    used_percent: num(o.used_percent),
    window_minutes: num(o.window_minutes) ?? (seconds !== undefined ? seconds / 60 : undefined),
    reset_after_seconds: after,
    resets_at: resetsAt,
  });
  return Object.keys(w).length ? w : undefined;
}

/** `{has_credits, unlimited, balance}`. */
export function readCredits(value: unknown): QuotaCredits | undefined {
  const o = asObject(value);
  if (!o) return undefined;
  const c = compact<QuotaCredits>({
    has_credits: typeof o.has_credits === "boolean" ? o.has_credits : undefined,
    unlimited: typeof o.unlimited === "boolean" ? o.unlimited : undefined,
    balance: typeof o.balance === "string"
      ? o.balance
      : typeof o.balance === "number"
      ? String(o.balance)
      : undefined,
  });
  return Object.keys(c).length ? c : undefined;
}

/** A string field, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
