/**
 * The one way to credentials. Every caller goes through it: a request
 * (resolveAuth), the retry after the backend refused a token (forward), the
 * model catalog, `GET /status`, `codexgate doctor`, `codexgate auth status`
 * and the startup log. It is keyed by backend name; which account of a
 * backend answers is the service's business, so several accounts per backend
 * fit behind the same three calls (docs/architecture.md).
 *
 * The embedded default keeps each backend's sign-in in its auth.json
 * ({@link FileCredentialSource}), found the same way everywhere.
 *
 * @module
 */
import type { ResolvedConfig } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { credentialSourceFor } from "./credential_source_for.ts";
import type { Credentials } from "./credentials.ts";
import { FileCredentialSource } from "./file_credential_source.ts";
import type { AuthInspection } from "./inspect_auth.ts";
import type {
  AccountOutcome,
  AccountStatus,
  QuotaReader,
  SelectionHint,
} from "./account_outcome.ts";
import { AccountPool } from "./account_pool.ts";
import { expandAccountEntries } from "./account_entries.ts";
import type { AccountStateStore } from "./account_state.ts";
import { MemoryAccountStateStore } from "./memory_account_state.ts";

/** Credentials by backend name. */
export interface CredentialService {
  /**
   * Credentials fit for a request to `backend` now (refreshed first when
   * about to expire); with several accounts, `hint` keeps a conversation on
   * its account and skips the ones a request already tried.
   */
  get(backend: string, signal?: AbortSignal, hint?: SelectionHint): Promise<Credentials>;
  /**
   * `backend` refused `failed` (401/403): re-read, refresh when the stored
   * token is still `failed`'s, and return what to retry with.
   */
  recover(backend: string, failed: Credentials, signal?: AbortSignal): Promise<Credentials>;
  /** What a person needs to know about `backend`'s sign-in; never refreshes, never a secret. */
  inspect(backend: string): Promise<AuthInspection>;
  /** Why the sign-in in use is not saved to its file yet, when it is not (a failed write-back). */
  unsaved?(backend: string): string | undefined;
  /** How a request fared on `account` (a pooled backend's; others ignore it). */
  report?(backend: string, account: string, outcome: AccountOutcome): Promise<void>;
  /** The accounts of a pooled backend; undefined for a single sign-in. */
  accounts?(backend: string): Promise<AccountStatus[] | undefined>;
  /** How many accounts may serve `backend` (1 for a single sign-in). */
  poolSize?(backend: string): number;
}

/** Options of {@link createCredentialService}. */
export interface CredentialServiceOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** `Deno.build.os` or a test's stand-in. */
  platform: string;
  /**
   * Refresh tokens that are about to expire or were refused (the proxy).
   * False: read only, as `doctor`, `auth status` and the startup log must be
   * (a refresh token is single-use).
   */
  refresh: boolean;
  /** A file named on the command line (`auth status --auth-path`): the only one looked at. */
  authPathFlag?: string;
  fetch?: typeof fetch;
  /** Epoch milliseconds. */
  now?: () => number;
  logger?: Logger;
  /** Told of every token refresh's outcome, with the backend (the metrics count them). */
  onRefresh?: (backend: string, outcome: "ok" | "failed") => void;
  /** Account conditions and stickiness of pooled backends (default: in memory). */
  accountState?: AccountStateStore;
  /** Latest usage figures, for choosing the account with the most headroom. */
  quota?: QuotaReader;
}

/**
 * Builds the auth.json-backed service for every backend of `config`.
 *
 * @example
 * ```ts
 * const credentials = createCredentialService(config, { env, platform: Deno.build.os, refresh: false });
 * const info = await credentials.inspect("openai_codex");
 * ```
 */
export function createCredentialService(
  config: ResolvedConfig,
  options: CredentialServiceOptions,
): CredentialService {
  const sources = new Map<string, FileCredentialSource>();
  const pools = new Map<string, AccountPool>();
  const accountState = options.accountState ?? new MemoryAccountStateStore({ now: options.now });
  for (const backend of Object.values(config.backends)) {
    const sourceOptions = {
      fetch: options.fetch,
      now: options.now,
      logger: options.logger,
      onRefresh: (outcome: "ok" | "failed") => options.onRefresh?.(backend.name, outcome),
      platform: options.platform,
      refresh: options.refresh
        ? {
          tokenUrl: backend.token_url,
          clientId: backend.client_id,
          marginMs: backend.refresh_margin_seconds * 1000,
        }
        : undefined,
    };
    // `--auth-path` names one file: the subcommand looks at it alone, pool or not.
    if (backend.accounts !== undefined && options.authPathFlag === undefined) {
      pools.set(
        backend.name,
        createPool(backend.name, backend.accounts, options, accountState, sourceOptions),
      );
      continue;
    }
    const { source } = credentialSourceFor(backend, {
      ...sourceOptions,
      env: options.env,
      authPathFlag: options.authPathFlag,
    });
    sources.set(backend.name, source);
  }
  const sourceOf = (backend: string): FileCredentialSource => {
    const source = sources.get(backend);
    if (!source) throw new ProxyError(500, `No credential source for backend ${backend}`);
    return source;
  };
  return {
    get: (backend, signal, hint) => {
      const pool = pools.get(backend);
      return pool ? pool.get(signal, hint) : sourceOf(backend).get(signal);
    },
    recover: (backend, failed, signal) => {
      const pool = pools.get(backend);
      return pool ? pool.recover(failed, signal) : sourceOf(backend).recover(failed, signal);
    },
    inspect: async (backend) => {
      // Loaded when someone asks (startup note, /status, a poll), not to serve a request.
      const { inspectFileSource } = await import("./inspect_auth.ts");
      const pool = pools.get(backend);
      if (!pool) return inspectFileSource(backend, sourceOf(backend));
      const account = await pool.firstUsable();
      if (!account) {
        return { ok: false, backend, message: `backend ${backend} has no usable account` };
      }
      return inspectFileSource(backend, account.source);
    },
    report: async (backend, account, outcome) => await pools.get(backend)?.report(account, outcome),
    accounts: async (backend) => await pools.get(backend)?.list(),
    poolSize: (backend) => pools.get(backend)?.size ?? 1,
    unsaved: (backend) => pools.has(backend) ? undefined : sourceOf(backend).unsavedSignIn(),
  };
}

/** A pooled backend: its entries read once, what was wrong with them logged (docs/accounts.md). */
function createPool(
  backend: string,
  entries: NonNullable<ResolvedConfig["backends"][string]["accounts"]>,
  options: CredentialServiceOptions,
  state: AccountStateStore,
  sourceOptions: Omit<ConstructorParameters<typeof FileCredentialSource>[0], "candidates">,
): AccountPool {
  const { members, problems } = expandAccountEntries(entries, {
    env: options.env,
    platform: options.platform,
  });
  for (const problem of problems) {
    options.logger?.warn(`backend ${backend} accounts: ${problem}`, { backend });
  }
  return new AccountPool({
    backend,
    state,
    quota: options.quota,
    now: options.now,
    logger: options.logger,
    accounts: members.map((member) => ({
      ...member,
      source: new FileCredentialSource({
        ...sourceOptions,
        candidates: [{ path: member.path, from: "config accounts" }],
      }),
    })),
  });
}
