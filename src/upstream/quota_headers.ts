/**
 * The plan's usage as the backend reports it on every answer
 * (docs/backend-protocol.md#quota-headers): `x-codex-*` headers, parsed into figures that
 * `/status` and the logs can show (kept per account by state/quota_store.ts).
 *
 * @module
 */

/** One usage window (primary ≈ 5 h, secondary ≈ 1 week). */
export interface QuotaWindow {
  used_percent?: number;
  window_minutes?: number;
  reset_after_seconds?: number;
  /** ISO time of the reset. */
  resets_at?: string;
}

/** The latest usage figures of one account. */
export interface QuotaSnapshot {
  plan_type?: string;
  primary?: QuotaWindow;
  secondary?: QuotaWindow;
  /** ISO time these figures arrived. */
  updated_at: string;
  /** The raw `x-codex-*` headers, as passed on to clients. */
  headers: Record<string, string>;
}

/** The `x-codex-*` headers of an answer (lower-case names). */
export function pickQuotaHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith("x-codex-")) out[name] = value;
  }
  return out;
}

/** Parses quota headers into a snapshot; undefined when there are none. */
export function parseQuota(
  headers: Record<string, string>,
  now: number,
): QuotaSnapshot | undefined {
  if (Object.keys(headers).length === 0) return undefined;
  const num = (name: string) => {
    const value = Number(headers[name]);
    return headers[name] !== undefined && Number.isFinite(value) ? value : undefined;
  };
  const window = (which: "primary" | "secondary"): QuotaWindow | undefined => {
    const resetAt = num(`x-codex-${which}-reset-at`);
    const w: QuotaWindow = {
      used_percent: num(`x-codex-${which}-used-percent`),
      window_minutes: num(`x-codex-${which}-window-minutes`),
      reset_after_seconds: num(`x-codex-${which}-reset-after-seconds`),
      resets_at: resetAt !== undefined ? new Date(resetAt * 1000).toISOString() : undefined,
    };
    return Object.values(w).some((v) => v !== undefined) ? w : undefined;
  };
  return {
    plan_type: headers["x-codex-plan-type"],
    primary: window("primary"),
    secondary: window("secondary"),
    updated_at: new Date(now).toISOString(),
    headers,
  };
}
