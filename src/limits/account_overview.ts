/**
 * What a person (and the status page) needs to know about each account:
 * plan, limits with reset times, state and last error; never a token. One
 * account per backend for now, named after the backend; the figures are keyed
 * by the account id the credentials give, so a pool of accounts fits later
 * (docs/limits-and-usage.md#status).
 *
 * @module
 */
import type { AccountStatus } from "../auth/account_outcome.ts";
import type { CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import type { QuotaStore } from "../state/quota_store.ts";
import type { QuotaSnapshot, QuotaWindow } from "../upstream/quota_headers.ts";
import type { PollError } from "./limits_poller.ts";

/** An account's state. */
export type AccountState = "ready" | "cooling" | "needs_sign_in" | "disabled";

/** One window as `/status` shows it. */
export interface LimitView {
  used_percent: number;
  window_minutes?: number;
  /** ISO time. */
  resets_at?: string;
}

/** One account in `/status`. */
export interface AccountOverview {
  backend: string;
  name: string;
  email?: string;
  plan?: string;
  state: AccountState;
  /** ISO time the limit resets, while cooling. */
  cooling_until?: string;
  account_id_short?: string;
  limits: { primary?: LimitView; secondary?: LimitView };
  last_error?: { code: string; message: string; at: string };
  /** Internal: the full id, for keying figures; never rendered. */
  readonly accountId?: string;
  /** Internal: the figures behind `limits`. */
  readonly quota?: QuotaSnapshot;
}

/** What the overview reads. */
export interface OverviewSources {
  config: ResolvedConfig;
  credentials: CredentialService;
  quota: QuotaStore;
  now: () => number;
  /** The last error of a backend's account (a failed request or poll). */
  lastError?: (backend: string) => PollError | undefined;
}

function view(w: QuotaWindow | undefined): LimitView | undefined {
  if (!w || w.used_percent === undefined) return undefined;
  return { used_percent: w.used_percent, window_minutes: w.window_minutes, resets_at: w.resets_at };
}

/** `acct-1111-2222-3333` → `acct-111…3333`: enough to tell accounts apart. */
export function shortId(id: string): string {
  return id.length <= 12 ? id : `${id.slice(0, 8)}…${id.slice(-4)}`;
}

/** A reached limit that has not reset yet: when it resets. */
export function coolingUntil(q: QuotaSnapshot | undefined, now: number): string | undefined {
  if (!q) return undefined;
  const windows = [["primary", q.primary], ["secondary", q.secondary]] as const;
  let hit = windows.filter(([, w]) => (w?.used_percent ?? 0) >= 100);
  // Reached without a full window: the one the backend named, else any.
  if (hit.length === 0 && q.limit_reached) {
    hit = windows.filter(([name]) => !q.limit_reached_type || q.limit_reached_type.includes(name));
  }
  return hit.map(([, w]) => w?.resets_at).filter((t): t is string =>
    t !== undefined && Date.parse(t) > now
  ).sort().at(-1);
}

/** Every configured backend's account. */
export async function accountOverviews(sources: OverviewSources): Promise<AccountOverview[]> {
  const perBackend = await Promise.all(
    Object.values(sources.config.backends).map(async (b) => {
      // A pooled backend lists its accounts (docs/accounts.md); a single sign-in is one account.
      const pooled = await sources.credentials.accounts?.(b.name);
      return pooled
        ? pooled.map((a) => pooledOverview(b.name, a, sources.now()))
        : [await accountOverview(b.name, sources)];
    }),
  );
  return perBackend.flat();
}

/** One pooled account as the overview shows it: its name, never its full id. */
function pooledOverview(backend: string, a: AccountStatus, now: number): AccountOverview {
  const limit = (used: number | undefined, resetsAt: string | undefined) =>
    used === undefined ? undefined : { used_percent: used, resets_at: resetsAt };
  return {
    backend,
    name: a.name,
    email: a.email,
    plan: a.plan ?? a.limits?.plan,
    state: a.state,
    cooling_until: a.until !== undefined ? new Date(a.until).toISOString() : undefined,
    account_id_short: a.account,
    limits: {
      primary: limit(a.limits?.primaryUsedPercent, a.limits?.primaryResetsAt),
      secondary: limit(a.limits?.secondaryUsedPercent, a.limits?.secondaryResetsAt),
    },
    last_error: a.state !== "ready" && a.reason
      ? { code: a.state, message: a.reason, at: new Date(now).toISOString() }
      : undefined,
  };
}

async function accountOverview(backend: string, s: OverviewSources): Promise<AccountOverview> {
  const lastError = s.lastError?.(backend);
  const info = await s.credentials.inspect(backend).catch((err: Error) => ({
    ok: false as const,
    message: err.message,
  }));
  if (!info.ok) {
    return {
      backend,
      name: backend,
      state: "needs_sign_in",
      limits: {},
      last_error: {
        code: "needs_sign_in",
        message: info.message,
        at: new Date(s.now()).toISOString(),
      },
    };
  }
  let accountId: string | undefined;
  try {
    accountId = (await s.credentials.get(backend)).accountId;
  } catch (err) {
    return {
      backend,
      name: backend,
      email: info.email,
      plan: info.planType,
      state: "needs_sign_in",
      limits: {},
      last_error: {
        code: "needs_sign_in",
        message: (err as Error).message,
        at: new Date(s.now()).toISOString(),
      },
    };
  }
  const quota = await s.quota.latest(accountId);
  const cooling = coolingUntil(quota, s.now());
  const limits: AccountOverview["limits"] = {};
  const primary = view(quota?.primary);
  const secondary = view(quota?.secondary);
  if (primary) limits.primary = primary;
  if (secondary) limits.secondary = secondary;
  return {
    backend,
    name: backend,
    email: info.email,
    plan: quota?.plan_type ?? info.planType,
    state: cooling ? "cooling" : "ready",
    cooling_until: cooling,
    account_id_short: shortId(accountId),
    limits,
    last_error: lastError,
    accountId,
    quota,
  };
}

/** The overview without its internal fields, as JSON shows it. */
export function publicOverview(a: AccountOverview): Omit<AccountOverview, "accountId" | "quota"> {
  const { accountId: _id, quota: _q, ...shown } = a;
  return JSON.parse(JSON.stringify(shown));
}
