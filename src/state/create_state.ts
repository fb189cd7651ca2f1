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
import { MemoryQuotaStore } from "./memory_quota_store.ts";
import { MemoryResponseStore } from "./memory_response_store.ts";
import type { QuotaStore } from "./quota_store.ts";
import type { ResponseStore } from "./response_store.ts";
import type { UsageStore } from "./usage_store.ts";
import { dataDir, usageDbPath } from "./data_dir.ts";
import { DisabledUsageStore } from "./disabled_usage_store.ts";
import { SqliteUsageStore } from "./sqlite_usage_store.ts";

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
  return {
    credentials: overrides.credentials ?? createCredentialService(config, {
      env: options.env,
      platform: options.platform,
      refresh: true,
      fetch: options.fetch,
      now: options.now,
      logger: options.logger,
      onRefresh: options.onRefresh,
    }),
    responses: overrides.responses ?? new MemoryResponseStore({
      maxEntries: config.responses_store.max_entries,
      ttlSeconds: config.responses_store.ttl_seconds,
      now: options.now,
    }),
    quota: overrides.quota ?? new MemoryQuotaStore(),
    usage: overrides.usage ?? createUsageStore(config, options),
  };
}

/**
 * The SQLite history in the data directory; off when `usage.history` is false
 * or when neither `data_dir` nor a home directory says where it would go.
 */
export function createUsageStore(
  config: ResolvedConfig,
  options: Pick<CreateStateOptions, "env" | "platform" | "now" | "logger">,
): UsageStore {
  const { env } = options;
  const knowsPlace = config.data_dir !== undefined ||
    [env.HOME, env.USERPROFILE, env.XDG_DATA_HOME, env.LOCALAPPDATA].some((v) => v);
  if (!config.usage.history || !knowsPlace) return new DisabledUsageStore();
  return new SqliteUsageStore({
    path: usageDbPath(dataDir(config, env, options.platform)),
    retentionDays: config.usage.retention_days,
    logger: options.logger,
    now: options.now,
  });
}
