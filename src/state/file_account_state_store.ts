/**
 * The embedded {@link AccountStateStore}: in memory, with what must survive a
 * restart (an account cooling until its reset time, one that needs a new
 * sign-in, the latest usage figures for `codexgate accounts`) kept in a small
 * JSON file, written atomically (temp file + rename). Conversation stickiness
 * stays in memory. See docs/accounts.md.
 *
 * @module
 */
import { dirnameOf as dirname, joinPath as join } from "../core/path.ts";
import type { Logger } from "../log.ts";
import type { AccountCondition, AccountLimits } from "../auth/account_state.ts";
import {
  type MemoryAccountStateOptions,
  MemoryAccountStateStore,
} from "../auth/memory_account_state.ts";

/** The file's shape. */
export interface AccountStateFile {
  version: 1;
  /** By backend, then account name. */
  backends: Record<
    string,
    Record<string, { condition?: AccountCondition; limits?: AccountLimits }>
  >;
}

/** Options of {@link FileAccountStateStore}. */
export interface FileAccountStateOptions extends MemoryAccountStateOptions {
  path: string;
  logger?: Logger;
  /** Usage figures alone are written at most this often (default 30 s). */
  limitsWriteIntervalMs?: number;
}

/** Account state persisted to one JSON file. */
export class FileAccountStateStore extends MemoryAccountStateStore {
  readonly #path: string;
  readonly #logger?: Logger;
  readonly #interval: number;
  #lastWrite = 0;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: FileAccountStateOptions) {
    super(options);
    this.#path = options.path;
    this.#logger = options.logger;
    this.#interval = options.limitsWriteIntervalMs ?? 30_000;
    this.#load();
  }

  override async setCondition(
    backend: string,
    account: string,
    condition: AccountCondition,
  ): Promise<void> {
    const before = JSON.stringify(await this.condition(backend, account));
    await super.setCondition(backend, account, condition);
    if (JSON.stringify(condition) !== before) await this.#write();
  }

  override async saveLimits(
    backend: string,
    account: string,
    limits: AccountLimits,
  ): Promise<void> {
    await super.saveLimits(backend, account, limits);
    if (this.now() - this.#lastWrite >= this.#interval) await this.#write();
  }

  /** Reads the file once at start; a missing or unreadable file is an empty state. */
  #load(): void {
    let parsed: AccountStateFile;
    try {
      parsed = JSON.parse(Deno.readTextFileSync(this.#path));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        this.#logger?.warn("account state file unreadable; starting without it", {
          path: this.#path,
          error: (err as Error).message,
        });
      }
      return;
    }
    for (const [backend, accounts] of Object.entries(parsed?.backends ?? {})) {
      for (const [account, saved] of Object.entries(accounts ?? {})) {
        if (saved?.condition && saved.condition.kind !== "ready") {
          void super.setCondition(backend, account, saved.condition);
        }
        if (saved?.limits) void super.saveLimits(backend, account, saved.limits);
      }
    }
  }

  #snapshot(): AccountStateFile {
    const file: AccountStateFile = { version: 1, backends: {} };
    const entry = (k: string) => {
      const [backend, account] = k.split("\u0000");
      file.backends[backend] ??= {};
      return (file.backends[backend][account] ??= {});
    };
    for (const [k, condition] of this.conditions) entry(k).condition = condition;
    for (const [k, limits] of this.limitsByAccount) entry(k).limits = limits;
    return file;
  }

  /** Writes the whole state; writes run one after another. */
  #write(): Promise<void> {
    this.#lastWrite = this.now();
    this.#writing = this.#writing.then(async () => {
      const text = JSON.stringify(this.#snapshot(), null, 2);
      const dir = dirname(this.#path);
      try {
        await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
        const temp = join(dir, `.account-state-${crypto.randomUUID()}`);
        await Deno.writeTextFile(temp, text, { mode: 0o600, createNew: true });
        await Deno.rename(temp, this.#path);
      } catch (err) {
        this.#logger?.warn("could not save the account state", {
          path: this.#path,
          error: (err as Error).message,
        });
      }
    });
    return this.#writing;
  }
}
