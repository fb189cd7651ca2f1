/**
 * The app's long-lived state, created in one place: credentials, the
 * Responses store and the plan's usage figures. Each sits behind a small
 * asynchronous interface whose embedded default lives in memory or on local
 * disk (auth.json); a store shared by several replicas can replace any of
 * them through `overrides` without touching the pipeline (docs/architecture.md).
 *
 * @module
 */
import { createCredentialService, type CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import type { Logger } from "../log.ts";
import type { CompactionCache } from "./compaction_cache.ts";
import { MemoryCompactionCache } from "./memory_compaction_cache.ts";
import { MemoryQuotaStore } from "./memory_quota_store.ts";
import { MemoryResponseStore } from "./memory_response_store.ts";
import type { QuotaStore } from "./quota_store.ts";
import type { ResponseStore } from "./response_store.ts";

/** Everything that outlives a request. */
export interface AppState {
  /** Sign-ins by backend (default: each backend's auth.json, refreshed as needed). */
  credentials: CredentialService;
  /** Finished Responses, for previous_response_id and GET /v1/responses/{id}. */
  responses: ResponseStore;
  /** Latest `x-codex-*` usage per account (docs/backend-protocol.md). */
  quota: QuotaStore;
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
    }),
    responses: overrides.responses ?? new MemoryResponseStore({
      maxEntries: config.responses_store.max_entries,
      ttlSeconds: config.responses_store.ttl_seconds,
      now: options.now,
    }),
    quota: overrides.quota ?? new MemoryQuotaStore(),
    compactions: overrides.compactions ?? new MemoryCompactionCache({ now: options.now }),
  };
}
