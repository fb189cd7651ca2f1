/**
 * The in-memory {@link AccountStateStore}: conditions and limits in maps, the
 * conversation → account map bounded by count (least recently used dropped
 * first) and by age. The file-backed default (state/file_account_state_store.ts)
 * builds on it.
 *
 * @module
 */
import type { AccountCondition, AccountLimits, AccountStateStore } from "./account_state.ts";

/** Bounds of the conversation map. */
export interface MemoryAccountStateOptions {
  /** Most conversations remembered (default 10 000). */
  maxConversations?: number;
  /** Forget a conversation not seen for this long (default 24 h). */
  conversationTtlMs?: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

/** Account state of this process only. */
export class MemoryAccountStateStore implements AccountStateStore {
  protected readonly conditions = new Map<string, AccountCondition>();
  protected readonly limitsByAccount = new Map<string, AccountLimits>();
  readonly #sticky = new Map<string, { account: string; seenAt: number }>();
  readonly #max: number;
  readonly #ttlMs: number;
  protected readonly now: () => number;

  constructor(options: MemoryAccountStateOptions = {}) {
    this.#max = options.maxConversations ?? 10_000;
    this.#ttlMs = options.conversationTtlMs ?? 24 * 3600_000;
    this.now = options.now ?? Date.now;
  }

  condition(backend: string, account: string): Promise<AccountCondition> {
    return Promise.resolve(this.conditions.get(key(backend, account)) ?? { kind: "ready" });
  }

  setCondition(backend: string, account: string, condition: AccountCondition): Promise<void> {
    if (condition.kind === "ready") this.conditions.delete(key(backend, account));
    else this.conditions.set(key(backend, account), condition);
    return Promise.resolve();
  }

  stickyAccount(backend: string, conversation: string): Promise<string | undefined> {
    const k = key(backend, conversation);
    const entry = this.#sticky.get(k);
    if (!entry) return Promise.resolve(undefined);
    if (this.now() - entry.seenAt > this.#ttlMs) {
      this.#sticky.delete(k);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.account);
  }

  stick(backend: string, conversation: string, account: string): Promise<void> {
    const k = key(backend, conversation);
    // Re-inserted so that Map order is least recently used first.
    this.#sticky.delete(k);
    this.#sticky.set(k, { account, seenAt: this.now() });
    for (const oldest of this.#sticky.keys()) {
      if (this.#sticky.size <= this.#max) break;
      this.#sticky.delete(oldest);
    }
    return Promise.resolve();
  }

  saveLimits(backend: string, account: string, limits: AccountLimits): Promise<void> {
    this.limitsByAccount.set(key(backend, account), limits);
    return Promise.resolve();
  }

  limits(backend: string, account: string): Promise<AccountLimits | undefined> {
    return Promise.resolve(this.limitsByAccount.get(key(backend, account)));
  }

  /** How many conversations are remembered. */
  get conversations(): number {
    return this.#sticky.size;
  }
}

/** Map key of a backend's account or conversation. */
export function key(backend: string, name: string): string {
  return `${backend}\u0000${name}`;
}
