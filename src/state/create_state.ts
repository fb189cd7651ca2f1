/**
 * The app's long-lived state, created in one place: credentials, the
 * Responses store, the plan's usage figures and the usage history. Each sits behind a small
 * asynchronous interface whose embedded default lives in memory or on local
 * disk (auth.json); a store shared by several replicas can replace any of
 * them through `overrides` without touching the pipeline (docs/architecture.md).
 *
 * @module
 */
import { createCredentialService, type CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import type { Logger } from "../log.ts";
import type { AccountStateStore } from "../auth/account_state.ts";
import { accountStatePath, knownDataDir, usageDbPath } from "./data_dir.ts";
import { FileAccountStateStore } from "./file_account_state_store.ts";
import { MemoryAccountStateStore } from "../auth/memory_account_state.ts";
import type { CompactionCache } from "./compaction_cache.ts";
import { MemoryCompactionCache } from "./memory_compaction_cache.ts";
import { MemoryQuotaStore } from "./memory_quota_store.ts";
import { MemoryResponseStore } from "./memory_response_store.ts";
import type { QuotaStore } from "./quota_store.ts";
import type { ResponseStore } from "./response_store.ts";
import type { UsageStore } from "./usage_store.ts";
import { DisabledUsageStore } from "./disabled_usage_store.ts";
import { LazyUsageStore } from "./lazy_usage_store.ts";
import { MemoryTurnStateStore } from "./memory_turn_state_store.ts";
import type { TurnStateStore } from "./turn_state_store.ts";

/** Everything that outlives a request. */
export interface AppState {
  /** Sign-ins by backend (default: each backend's auth.json, refreshed as needed). */
  credentials: CredentialService;
  /** Finished Responses, for previous_response_id and GET /v1/responses/{id}. */
  responses: ResponseStore;
  /** Latest `x-codex-*` usage per account (docs/backend-protocol.md). */
  quota: QuotaStore;
  /** Every finished completion, summed by `codexgate usage` and `GET /v1/usage`. */
  usage: UsageStore;
  /** Pooled accounts' conditions and conversation stickiness (docs/accounts.md). */
  accountState: AccountStateStore;
  /** The backend's `x-codex-turn-state` per conversation, sent back on its next request. */
  turnState: TurnStateStore;
  /** `auto_compact`'s compactions by conversation prefix (docs/websocket-and-compaction.md). */
  compactions: CompactionCache;
}

/** What the embedded defaults need. */
export interface CreateStateOptions {
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  fetch: typeof fetch;
  /** Epoch milliseconds. */
  now: () => number;
  logger: Logger;
  /** Stores to use instead of the embedded defaults. */
  overrides?: Partial<AppState>;
  /** Told of every token refresh of the embedded credential service. */
  onRefresh?: (backend: string, outcome: "ok" | "failed") => void;
}

/**
 * Creates the state of one app instance (never a module global).
 *
 * @example
 * ```ts
 * const state = createState(config, { env, platform: Deno.build.os, fetch, now: Date.now, logger });
 * ```
 */
export function createState(config: ResolvedConfig, options: CreateStateOptions): AppState {
  const { overrides = {} } = options;
  const quota = overrides.quota ?? new MemoryQuotaStore();
  const accountState = overrides.accountState ?? createAccountState(config, options);
  return {
    credentials: overrides.credentials ?? createCredentialService(config, {
      env: options.env,
      platform: options.platform,
      refresh: true,
      fetch: options.fetch,
      now: options.now,
      logger: options.logger,
      onRefresh: options.onRefresh,
      quota,
      accountState,
    }),
    responses: overrides.responses ?? new MemoryResponseStore({
      maxEntries: config.responses_store.max_entries,
      ttlSeconds: config.responses_store.ttl_seconds,
      now: options.now,
    }),
    quota,
    usage: overrides.usage ?? createUsageStore(config, options),
    accountState,
    turnState: overrides.turnState ?? new MemoryTurnStateStore({ now: options.now }),
    compactions: overrides.compactions ?? new MemoryCompactionCache({ now: options.now }),
  };
}

/**
 * The SQLite history in the data directory, opened with the first row or
 * query (so `node:sqlite` loads after the first answer, not before serving);
 * off when `usage.history` is false or when neither `data_dir` nor a home
 * directory says where it would go.
 */
export function createUsageStore(
  config: ResolvedConfig,
  options: Pick<CreateStateOptions, "env" | "platform" | "now" | "logger">,
): UsageStore {
  const dir = knownDataDir(config, options.env, options.platform);
  if (!config.usage.history || dir === undefined) return new DisabledUsageStore();
  return new LazyUsageStore(async () => {
    const { SqliteUsageStore } = await import("./sqlite_usage_store.ts");
    return new SqliteUsageStore({
      path: usageDbPath(dir),
      retentionDays: config.usage.retention_days,
      logger: options.logger,
      now: options.now,
    });
  });
}

/**
 * With pooled backends, account state survives a restart in the data
 * directory's account_state.json; otherwise (or without a home) it lives in memory.
 */
function createAccountState(
  config: ResolvedConfig,
  options: CreateStateOptions,
): AccountStateStore {
  const pooled = Object.values(config.backends).some((b) => b.accounts !== undefined);
  const dir = pooled ? knownDataDir(config, options.env, options.platform) : undefined;
  if (!dir) return new MemoryAccountStateStore({ now: options.now });
  return new FileAccountStateStore({
    path: accountStatePath(dir),
    now: options.now,
    logger: options.logger,
  });
}
