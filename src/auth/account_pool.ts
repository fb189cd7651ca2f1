/**
 * Several ChatGPT accounts behind one backend (docs/accounts.md). Each
 * account keeps its own auth.json with the lock and refresh protocol of a
 * single sign-in ({@link FileCredentialSource}); the pool decides which one
 * answers:
 *
 * - a conversation stays on the account it started on while that account
 *   can serve (its prompt cache and encrypted reasoning live there);
 * - a new conversation goes to the account with the most headroom by the
 *   latest known usage figures; ties take turns;
 * - an account at its usage limit cools until its reset time; one whose
 *   refresh token was refused for good needs a new sign-in and is skipped
 *   until its file changes; a disabled one is only listed.
 *
 * @module
 */
import { sha256Hex } from "../core/sha256.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { AccountCondition, AccountStateStore } from "./account_state.ts";
import type { QuotaSnapshot } from "../upstream/quota_headers.ts";
import {
  type AccountOutcome,
  type AccountStatus,
  limitsOf,
  type QuotaReader,
  type SelectionHint,
} from "./account_outcome.ts";
import type { PoolMember } from "./account_entries.ts";
import { shortAccount } from "./auth_snapshot.ts";
import type { Credentials } from "./credentials.ts";
import type { FileCredentialSource } from "./file_credential_source.ts";
import { readClaims } from "./jwt.ts";

/** How long an account cools after a usage limit whose reset time nobody said. */
export const UNKNOWN_RESET_COOLING_MS = 15 * 60_000;

/** A member with its credential source. */
export interface PoolAccount extends PoolMember {
  source: FileCredentialSource;
}

/** What a pool needs. */
export interface AccountPoolOptions {
  backend: string;
  accounts: readonly PoolAccount[];
  state: AccountStateStore;
  quota?: QuotaReader;
  /** Epoch milliseconds. */
  now?: () => number;
  logger?: Logger;
}

/** The accounts of one backend and the choice between them. */
export class AccountPool {
  readonly #o: AccountPoolOptions;
  readonly #now: () => number;
  /** Index of the account chosen last among equals, so ties take turns. */
  #lastTurn = -1;

  constructor(options: AccountPoolOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** How many accounts may serve (not disabled). */
  get size(): number {
    return this.#o.accounts.filter((a) => !a.disabled).length;
  }

  /** Credentials of the account this request should use, naming it. */
  async get(signal?: AbortSignal, hint: SelectionHint = {}): Promise<Credentials> {
    const exclude = new Set(hint.exclude);
    let lastError: unknown;
    for (;;) {
      const choice = await this.#choose(hint.conversation, exclude, lastError);
      try {
        const credentials = await choice.account.source.get(signal);
        if (hint.conversation) {
          await this.#o.state.stick(this.#o.backend, hint.conversation, choice.account.name);
        }
        return {
          ...credentials,
          account: choice.account.name,
          ...(choice.movedFrom ? { movedFrom: choice.movedFrom } : {}),
        };
      } catch (err) {
        if (signal?.aborted) throw err;
        if (err instanceof ProxyError && err.status === 401) {
          await this.#needsSignIn(choice.account, err.message);
        } else {
          this.#o.logger?.warn("account unusable for this request; trying another", {
            backend: this.#o.backend,
            account: choice.account.name,
            error: (err as Error).message,
          });
        }
        exclude.add(choice.account.name);
        lastError = err;
      }
    }
  }

  /** After the backend refused `failed`: the same account, re-read or refreshed. */
  async recover(failed: Credentials, signal?: AbortSignal): Promise<Credentials> {
    const account = this.#o.accounts.find((a) => a.name === failed.account);
    if (!account) throw new ProxyError(500, `Unknown account ${failed.account}`);
    try {
      return { ...(await account.source.recover(failed, signal)), account: account.name };
    } catch (err) {
      if (err instanceof ProxyError && err.status === 401 && !signal?.aborted) {
        await this.#needsSignIn(account, err.message);
      }
      throw err;
    }
  }

  /** Takes note of how a request fared on `name`. */
  async report(name: string, outcome: AccountOutcome): Promise<void> {
    const account = this.#o.accounts.find((a) => a.name === name);
    if (!account) return;
    const { backend, state, logger } = this.#o;
    switch (outcome.kind) {
      case "usage_limit": {
        const until = outcome.resetsAt ?? await this.#knownReset(account) ??
          this.#now() + UNKNOWN_RESET_COOLING_MS;
        await state.setCondition(backend, name, {
          kind: "cooling",
          until,
          reason: "usage limit reached",
        });
        logger?.warn("account reached its usage limit; cooling until its reset", {
          backend,
          account: name,
          until: new Date(until).toISOString(),
        });
        return;
      }
      case "sign_in_failed":
        await this.#needsSignIn(account, outcome.reason);
        return;
      case "unavailable":
        logger?.info("account unavailable for this request; moving it", {
          backend,
          account: name,
          reason: outcome.reason,
        });
        return;
      case "answered":
        if (outcome.quota) await state.saveLimits(backend, name, limitsOf(outcome.quota));
        return;
    }
  }

  /** Every account with its state, for `codexgate accounts` and `/status`. */
  async list(): Promise<AccountStatus[]> {
    const out: AccountStatus[] = [];
    for (const account of this.#o.accounts) {
      const status: AccountStatus = { name: account.name, path: account.path, state: "ready" };
      let accountId: string | undefined;
      try {
        const snapshot = await account.source.read();
        accountId = snapshot.credentials.accountId;
        status.account = shortAccount(accountId);
        status.plan = snapshot.credentials.planType;
        status.email = readClaims(snapshot.file.tokens.id_token ?? "").email;
      } catch (err) {
        status.state = "needs_sign_in";
        status.reason = (err as Error).message.split(" Run `")[0];
      }
      if (status.state === "ready") {
        const condition = await this.#condition(account);
        if (condition.kind === "cooling") {
          status.state = "cooling";
          status.until = condition.until;
          status.reason = condition.reason;
        } else if (condition.kind === "needs_sign_in") {
          status.state = "needs_sign_in";
          status.reason = condition.reason;
        }
      }
      if (account.disabled) status.state = "disabled";
      const latest = accountId ? await this.#o.quota?.latest(accountId) : undefined;
      status.limits = latest
        ? limitsOf(latest)
        : await this.#o.state.limits(this.#o.backend, account.name);
      out.push(status);
    }
    return out;
  }

  /** The first account that can serve, for `inspect`. */
  async firstUsable(): Promise<PoolAccount | undefined> {
    for (const account of this.#o.accounts) {
      if (!account.disabled && (await this.#condition(account)).kind === "ready") return account;
    }
    return this.#o.accounts[0];
  }

  async #choose(
    conversation: string | undefined,
    exclude: ReadonlySet<string>,
    lastError: unknown,
  ): Promise<{ account: PoolAccount; movedFrom?: string }> {
    const { backend, state } = this.#o;
    const usable: PoolAccount[] = [];
    let earliestReset: number | undefined;
    for (const account of this.#o.accounts) {
      if (account.disabled) continue;
      const condition = await this.#condition(account);
      if (condition.kind === "cooling") {
        earliestReset = Math.min(earliestReset ?? Infinity, condition.until);
        continue;
      }
      if (condition.kind === "ready" && !exclude.has(account.name)) usable.push(account);
    }
    const sticky = conversation ? await state.stickyAccount(backend, conversation) : undefined;
    const stayed = usable.find((a) => a.name === sticky);
    if (stayed) return { account: stayed };
    if (usable.length === 0) {
      if (earliestReset !== undefined) throw this.#allLimited(earliestReset);
      if (lastError) throw lastError;
      throw new ProxyError(
        401,
        `No account of backend ${backend} can serve (${this.#o.accounts.length} configured, ` +
          "none ready): run `codexgate accounts` to see why.",
        { code: "invalid_api_key", type: "authentication_error" },
      );
    }
    const account = await this.#mostHeadroom(usable);
    return sticky && sticky !== account.name ? { account, movedFrom: sticky } : { account };
  }

  /** The usable account with the most headroom; among equals, the next after the last pick. */
  async #mostHeadroom(usable: PoolAccount[]): Promise<PoolAccount> {
    const scored = await Promise.all(usable.map(async (account) => ({
      account,
      index: this.#o.accounts.indexOf(account),
      headroom: await this.#headroom(account),
    })));
    const best = Math.max(...scored.map((s) => s.headroom));
    const tied = scored.filter((s) => s.headroom === best);
    const pick = tied.find((s) => s.index > this.#lastTurn) ?? tied[0];
    this.#lastTurn = pick.index;
    return pick.account;
  }

  /** 100 minus the fuller of the two windows; 100 when no figures are known yet. */
  async #headroom(account: PoolAccount): Promise<number> {
    const snapshot = await this.#latest(account);
    const used = Math.max(
      snapshot?.primary?.used_percent ?? 0,
      snapshot?.secondary?.used_percent ?? 0,
    );
    return Math.max(0, 100 - used);
  }

  async #latest(account: PoolAccount): Promise<QuotaSnapshot | undefined> {
    if (!this.#o.quota) return undefined;
    try {
      const { accountId } = (await account.source.read()).credentials;
      return await this.#o.quota.latest(accountId);
    } catch {
      return undefined;
    }
  }

  /** The reset of a full window, from the latest figures. */
  async #knownReset(account: PoolAccount): Promise<number | undefined> {
    const snapshot = await this.#latest(account);
    const resets = [snapshot?.primary, snapshot?.secondary]
      .filter((w) => (w?.used_percent ?? 0) >= 100 && w?.resets_at)
      .map((w) => Date.parse(w!.resets_at!))
      .filter((t) => Number.isFinite(t) && t > this.#now());
    return resets.length ? Math.max(...resets) : undefined;
  }

  /** The stored condition, with a passed reset or a new sign-in turning it back to ready. */
  async #condition(account: PoolAccount): Promise<AccountCondition> {
    const { backend, state } = this.#o;
    const condition = await state.condition(backend, account.name);
    if (condition.kind === "cooling" && condition.until <= this.#now()) {
      await state.setCondition(backend, account.name, { kind: "ready" });
      return { kind: "ready" };
    }
    if (condition.kind === "needs_sign_in") {
      const token = await this.#tokenHash(account);
      if (token !== undefined && token !== condition.token) {
        await state.setCondition(backend, account.name, { kind: "ready" });
        return { kind: "ready" };
      }
    }
    return condition;
  }

  async #needsSignIn(account: PoolAccount, reason: string): Promise<void> {
    const token = await this.#tokenHash(account) ?? "";
    await this.#o.state.setCondition(this.#o.backend, account.name, {
      kind: "needs_sign_in",
      reason: reason.split(" Run `")[0],
      token,
    });
    this.#o.logger?.warn("account needs a new sign-in; skipped until then", {
      backend: this.#o.backend,
      account: account.name,
      hint: `codexgate login --account ${account.name}`,
    });
  }

  /** A hash of the refresh token on disk: a new sign-in changes it. */
  async #tokenHash(account: PoolAccount): Promise<string | undefined> {
    try {
      const { file } = await account.source.read();
      return sha256Hex(file.tokens.refresh_token).slice(0, 16);
    } catch {
      return undefined;
    }
  }

  #allLimited(earliest: number): ProxyError {
    const seconds = Math.max(1, Math.ceil((earliest - this.#now()) / 1000));
    return new ProxyError(
      429,
      `Every account of backend ${this.#o.backend} reached its Codex usage limit; the first ` +
        `resets at ${new Date(earliest).toISOString()} (in ${formatSpan(seconds)}).`,
      {
        code: "usage_limit_reached",
        type: "rate_limit_error",
        headers: { "x-should-retry": "false", "retry-after": String(seconds) },
      },
    );
  }
}

function formatSpan(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
