/**
 * What codexgate remembers about the accounts of a pooled backend
 * (docs/accounts.md): whether each can serve now (ready, cooling until a
 * reset time, needs sign-in) and which account each conversation started on.
 * Asynchronous, so that a store shared by several replicas can replace the
 * embedded one (state/file_account_state_store.ts) without touching the
 * pool. It sits in auth/ because the pool below state/ depends on it.
 *
 * @module
 */

/** Whether an account can serve; `disabled` comes from the config, never from here. */
export type AccountCondition =
  | { kind: "ready" }
  /** Reached its usage limit; `until` is the reset time, epoch milliseconds. */
  | { kind: "cooling"; until: number; reason: string }
  /** Its refresh token was refused for good; `token` is a hash of that refresh token. */
  | { kind: "needs_sign_in"; reason: string; token: string };

/** The latest usage figures known for an account, for `codexgate accounts`. */
export interface AccountLimits {
  plan?: string;
  primaryUsedPercent?: number;
  /** ISO time. */
  primaryResetsAt?: string;
  secondaryUsedPercent?: number;
  /** ISO time. */
  secondaryResetsAt?: string;
  /** ISO time the figures arrived. */
  updatedAt: string;
}

/** Account state by backend and account name. */
export interface AccountStateStore {
  /** The account's condition (ready when nothing is known). */
  condition(backend: string, account: string): Promise<AccountCondition>;
  setCondition(backend: string, account: string, condition: AccountCondition): Promise<void>;
  /** The account a conversation started on, if remembered. */
  stickyAccount(backend: string, conversation: string): Promise<string | undefined>;
  /** Remembers that `conversation` is served by `account`. */
  stick(backend: string, conversation: string, account: string): Promise<void>;
  /** Keeps the account's latest usage figures. */
  saveLimits(backend: string, account: string, limits: AccountLimits): Promise<void>;
  limits(backend: string, account: string): Promise<AccountLimits | undefined>;
}
