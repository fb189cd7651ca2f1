/**
 * The plan's usage as the backend reports it on every answer
 * (docs/limits-and-usage.md#where-the-figures-come-from): one header family
 * per limit (`x-codex-primary-used-percent`, `x-<limit>-secondary-reset-at`,
 * `x-<limit>-limit-name`, …) plus plan, credits and the active limit, parsed
 * into figures that `/status`, `/metrics` and the Codex CLI's usage routes
 * show (kept per account by state/quota_store.ts).
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

/** A limit besides the plan's main (`codex`) one, e.g. a per-model family. */
export interface LimitFamily {
  /** The header prefix / metered feature (`codex_other` in `x-codex_other-primary-…`). */
  id: string;
  /** The human name the backend gives it (`x-<id>-limit-name`). */
  name?: string;
  primary?: QuotaWindow;
  secondary?: QuotaWindow;
}

/** Credits bought beside the plan. */
export interface QuotaCredits {
  has_credits?: boolean;
  unlimited?: boolean;
  /** As the backend writes it (a decimal string). */
  balance?: string;
}

/** The latest usage figures of one account. */
export interface QuotaSnapshot {
  plan_type?: string;
  /** The main limit (`codex`). */
  primary?: QuotaWindow;
  secondary?: QuotaWindow;
  /** Every other limit family seen. */
  additional?: LimitFamily[];
  credits?: QuotaCredits;
  /** Which limit currently applies (`x-codex-active-limit`). */
  active_limit?: string;
  /** Set when a limit is reached: which one (`x-codex-rate-limit-reached-type`). */
  limit_reached_type?: string;
  limit_reached?: boolean;
  promo_message?: string;
  /** Where these figures came from last: answer headers, the stream's event, or the poll. */
  source?: "headers" | "stream" | "poll";
  /** ISO time these figures arrived. */
  updated_at: string;
  /** The raw usage headers, as passed on to clients. */
  headers: Record<string, string>;
}

const FAMILY_HEADER =
  /^x-([a-z0-9][a-z0-9_.-]*?)-(primary|secondary)-(used-percent|window-minutes|reset-at|reset-after-seconds)$/;
const NAME_HEADER = /^x-([a-z0-9][a-z0-9_.-]*?)-limit-name$/;

/** True for a header that belongs to the plan's usage figures. */
export function isQuotaHeader(name: string): boolean {
  return name.startsWith("x-codex-") || FAMILY_HEADER.test(name) || NAME_HEADER.test(name);
}

/** The usage headers of an answer (lower-case names). */
export function pickQuotaHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    // Every usage header starts so; the patterns run on those alone.
    if (name.startsWith("x-") && isQuotaHeader(name)) out[name] = value;
  }
  return out;
}

/** Parses usage headers into a snapshot; undefined when there are none. */
export function parseQuota(
  headers: Record<string, string>,
  now: number,
): QuotaSnapshot | undefined {
  if (Object.keys(headers).length === 0) return undefined;
  const families = new Map<string, LimitFamily>();
  const family = (id: string) => {
    let f = families.get(id);
    if (!f) families.set(id, f = { id });
    return f;
  };
  for (const [name, value] of Object.entries(headers)) {
    const named = NAME_HEADER.exec(name);
    if (named) {
      family(named[1]).name = value;
      continue;
    }
    const m = FAMILY_HEADER.exec(name);
    const n = Number(value);
    if (!m || value.trim() === "" || !Number.isFinite(n)) continue;
    const f = family(m[1]);
    const w: QuotaWindow = (f[m[2] as "primary" | "secondary"] ??= {});
    if (m[3] === "used-percent") w.used_percent = n;
    if (m[3] === "window-minutes") w.window_minutes = n;
    if (m[3] === "reset-after-seconds") {
      w.reset_after_seconds = n;
      w.resets_at ??= new Date(now + n * 1000).toISOString();
    }
    // The epoch form is the newer and exact one: it wins over reset-after.
    if (m[3] === "reset-at") w.resets_at = epochToIso(n);
  }
  const main = families.get("codex");
  families.delete("codex");
  const flag = (name: string) => {
    const v = headers[name]?.trim().toLowerCase();
    return v === undefined ? undefined : v === "true" || v === "1";
  };
  const credits: QuotaCredits = {
    has_credits: flag("x-codex-credits-has-credits"),
    unlimited: flag("x-codex-credits-unlimited"),
    balance: headers["x-codex-credits-balance"],
  };
  const reached = headers["x-codex-rate-limit-reached-type"];
  return compact<QuotaSnapshot>({
    plan_type: headers["x-codex-plan-type"],
    primary: main?.primary,
    secondary: main?.secondary,
    additional: families.size ? [...families.values()] : undefined,
    credits: Object.values(credits).some((v) => v !== undefined) ? compact(credits) : undefined,
    active_limit: headers["x-codex-active-limit"],
    limit_reached_type: reached || undefined,
    // An answer that names no reached limit says none is (the latest answer wins).
    limit_reached: Boolean(reached),
    promo_message: headers["x-codex-promo-message"],
    source: "headers",
    updated_at: new Date(now).toISOString(),
    headers,
  });
}

/** Epoch seconds (or milliseconds, when that large) → ISO. */
export function epochToIso(value: number): string {
  return new Date(value > 1e12 ? value : value * 1000).toISOString();
}

/** Drops undefined fields, so merges and JSON stay small. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
