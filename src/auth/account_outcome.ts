/**
 * The vocabulary between the pipeline and a pooled credential service
 * (docs/accounts.md): how a request picks an account, what forward reports
 * back about it, and what `codexgate accounts` shows.
 *
 * @module
 */
import type { AccountLimits } from "./account_state.ts";
import type { QuotaSnapshot } from "../upstream/quota_headers.ts";

/** Where the pool reads each account's latest usage figures (the app's QuotaStore). */
export interface QuotaReader {
  latest(accountId: string): Promise<QuotaSnapshot | undefined>;
}

/** Steers the choice of account for one request. */
export interface SelectionHint {
  /** The conversation (prompt_cache_key, session id or derived id): it stays on its account. */
  conversation?: string;
  /** Accounts this request already tried. */
  exclude?: ReadonlySet<string>;
}

/** What happened to a request on an account. */
export type AccountOutcome =
  /** 429 usage_limit_reached; `resetsAt` epoch milliseconds when the answer said. */
  | { kind: "usage_limit"; resetsAt?: number }
  /** Overloaded, 5xx, or a failure inside a 200 before any output: moved, not marked. */
  | { kind: "unavailable"; reason: string }
  /** The refresh token was refused for good after a re-read. */
  | { kind: "sign_in_failed"; reason: string }
  /** An answer came, with the plan's usage figures when it carried some. */
  | { kind: "answered"; quota?: QuotaSnapshot };

/** One account as `codexgate accounts` and `/status` show it; never a secret. */
export interface AccountStatus {
  name: string;
  path: string;
  email?: string;
  plan?: string;
  /** Shortened ChatGPT account id. */
  account?: string;
  state: "ready" | "cooling" | "needs_sign_in" | "disabled";
  /** For cooling: epoch milliseconds of the reset. */
  until?: number;
  /** Why it is not ready. */
  reason?: string;
  limits?: AccountLimits;
}

/** The figures `codexgate accounts` shows, from a quota snapshot. */
export function limitsOf(snapshot: QuotaSnapshot): AccountLimits {
  return {
    plan: snapshot.plan_type,
    primaryUsedPercent: snapshot.primary?.used_percent,
    primaryResetsAt: snapshot.primary?.resets_at,
    secondaryUsedPercent: snapshot.secondary?.used_percent,
    secondaryResetsAt: snapshot.secondary?.resets_at,
    updatedAt: snapshot.updated_at,
  };
}
