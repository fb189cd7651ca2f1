/**
 * What one app instance runs on, built once by `createHandler`: the config,
 * the injectable clock, ids and fetch, the long-lived state, each backend's
 * model catalog and compiled reactor rules, and the frontends.
 *
 * @module
 */
import { OpenSockets } from "./http/open_sockets.ts";
import { codexHomeDir } from "./auth/discover_auth_path.ts";
import { type CompiledRule, compileReactorRules } from "./capabilities/reactor_rules.ts";
import type { ResolvedConfig } from "./config/load_config.ts";
import { createFrontends, type FrontendRoute } from "./dialects/frontends.ts";
import { clientKeys } from "./http/api_key.ts";
import { RequestEvents } from "./http/request_events.ts";
import { AccountErrors } from "./limits/account_errors.ts";
import { LimitsPoller } from "./limits/limits_poller.ts";
import { AppMetrics } from "./metrics/app_metrics.ts";
import { usageRecord } from "./usage/record_usage.ts";
import { createLogger, type Logger } from "./log.ts";
import { CatalogService } from "./models/catalog_service.ts";
import { type AppState, createState } from "./state/create_state.ts";
import { createStatusUi, type StatusUi } from "./ui/status_ui.ts";
import type { HostInfo } from "./upstream/headers.ts";

/** Dependencies of the app; everything has a real default. */
export interface AppDeps {
  config: ResolvedConfig;
  fetch?: typeof fetch;
  /** Epoch milliseconds. */
  now?: () => number;
  newId?: () => string;
  env?: Readonly<Record<string, string | undefined>>;
  platform?: string;
  logger?: Logger;
  /**
   * Replaces embedded state: the auth.json-based credential service, the
   * in-memory stores (a shared engine for several replicas, or a test's).
   */
  state?: Partial<AppState>;
  /** Where finished requests are published (a new publisher when absent). */
  events?: RequestEvents;
  /** Aborted when the server shuts down: long-lived answers (the live stream) end. */
  shutdown?: AbortSignal;
  /** Where WebSockets are counted while open (main.ts waits for them at shutdown). */
  sockets?: OpenSockets;
  /**
   * Start background work (the usage poll) now. main.ts does; tests leave it
   * off or call `limits.start()` themselves.
   */
  background?: boolean;
}

/** The long-lived parts of one app instance (never module globals). */
export interface AppContext {
  config: ResolvedConfig;
  fetch: typeof fetch;
  now: () => number;
  newId: () => string;
  logger: Logger;
  host: HostInfo;
  state: AppState;
  /** Each backend's model catalog, by backend name. */
  catalogs: ReadonlyMap<string, CatalogService>;
  /** Each backend's reactor rules, compiled once, by backend name. */
  reactorRules: ReadonlyMap<string, readonly CompiledRule[]>;
  /** Each client wire's path and error shape; its frontend loads with its first request. */
  frontends: readonly FrontendRoute[];
  /** Every finished request, for whoever listens (usage history, metrics, status page). */
  events: RequestEvents;
  /** Polls each account's usage document. */
  limits: LimitsPoller;
  metrics: AppMetrics;
  /** The last account-related error per backend. */
  accountErrors: AccountErrors;
  /** Epoch milliseconds. */
  startedAt: number;
  /** The status page: built page, sessions, live stream (docs/status-page.md). */
  ui: StatusUi;
  /** Aborted when the server shuts down (ends sockets and the live stream). */
  shutdown?: AbortSignal;
  /** The WebSockets open right now. */
  sockets: OpenSockets;
}

/** Builds the context from the dependencies. */
export function createAppContext(deps: AppDeps): AppContext {
  const { config } = deps;
  const env = deps.env ?? {};
  const platform = deps.platform ?? Deno.build.os;
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const logger = deps.logger ?? createLogger(config.log_level);
  const host: HostInfo = { os: platform, arch: Deno.build.arch };
  const metrics = new AppMetrics();
  const state = createState(config, {
    env,
    platform,
    fetch: fetchFn,
    now,
    logger,
    overrides: deps.state,
    onRefresh: (backend, outcome) => metrics.refreshes.inc({ backend, outcome }),
  });
  const codexHome = codexHomeDir(env, platform);
  const events = deps.events ?? new RequestEvents();
  const catalogs = new Map<string, CatalogService>();
  const reactorRules = new Map<string, readonly CompiledRule[]>();
  for (const backend of Object.values(config.backends)) {
    catalogs.set(
      backend.name,
      new CatalogService(backend, {
        fetch: fetchFn,
        now,
        credentials: state.credentials,
        codexHome,
        host,
        logger,
        newId,
      }),
    );
    reactorRules.set(backend.name, compileReactorRules(backend.extra.codex.reactor_rules));
  }
  const limits = new LimitsPoller({
    config,
    credentials: state.credentials,
    quota: state.quota,
    fetch: fetchFn,
    now,
    logger,
    host,
  });
  const accountErrors = new AccountErrors();
  events.subscribe((r) => metrics.observe(r));
  events.subscribe((r) => accountErrors.observe(r));
  events.subscribe((r) => {
    if (r.dialect) limits.touch();
    const row = usageRecord(r);
    if (row) state.usage.record(row).catch(() => {});
  });
  if (deps.background) limits.start();
  return {
    config,
    fetch: fetchFn,
    now,
    newId,
    logger,
    host,
    state,
    catalogs,
    reactorRules,
    frontends: createFrontends(state),
    events,
    limits,
    metrics,
    accountErrors,
    startedAt: now(),
    shutdown: deps.shutdown,
    sockets: deps.sockets ?? new OpenSockets(),
    ui: createStatusUi({
      apiKeys: clientKeys(config.server).map((k) => k.key),
      events,
      shutdown: deps.shutdown,
    }),
  };
}
