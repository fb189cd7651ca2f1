/**
 * The app: `createHandler(deps)` returns a `(Request) => Promise<Response>`
 * that routes, then runs the five pipeline stages in plain sight:
 * resolveAuth → mergeCapabilities → translate → forward → streamBack.
 * `Deno.serve` and the tests call the same handler.
 *
 * @module
 */
import type { CredentialSource } from "./auth/credentials.ts";
import { createCapabilityTransform } from "./capabilities/capability_transforms.ts";
import { CODEX_TOOLS } from "./capabilities/codex_tools.ts";
import { takeEnvironmentOverride } from "./capabilities/environment_override.ts";
import { codexHomeDir } from "./auth/discover_auth_path.ts";
import { credentialSourceFor } from "./auth/credential_source_for.ts";
import type { ResolvedBackend, ResolvedConfig } from "./config/load_config.ts";
import { ResponseStore } from "./core/response_store.ts";
import { anthropicErrorBody } from "./dialects/anthropic_messages/error_body.ts";
import { countTokens } from "./dialects/anthropic_messages/count_tokens.ts";
import { anthropicMessagesFrontend } from "./dialects/anthropic_messages/frontend.ts";
import { chatCompletionsFrontend } from "./dialects/chat_completions/frontend.ts";
import type { Frontend, ResponseContext } from "./dialects/frontend.ts";
import { openAIErrorBody } from "./dialects/openai_error.ts";
import { responsesFrontend } from "./dialects/responses/frontend.ts";
import { expandPreviousResponse, rememberResponse } from "./dialects/responses/response_memory.ts";
import { handleStoredResponseRoute } from "./dialects/responses/stored_routes.ts";
import { ProxyError } from "./errors.ts";
import { requireApiKey } from "./http/api_key.ts";
import { withCors } from "./http/cors.ts";
import { decodePathSegment } from "./http/decode_path_segment.ts";
import { browserGuard } from "./http/browser_guard.ts";
import { type JsonBodyLimits, readJsonBody } from "./http/read_json_body.ts";
import type { RequestBody } from "./http/request_body.ts";
import { withRequestBounds } from "./http/request_bounds.ts";
import { type RequestRecord, withRequestLog } from "./http/request_record.ts";
import { statusReport } from "./http/status_report.ts";
import { createLogger, type Logger } from "./log.ts";
import { CatalogService } from "./models/catalog_service.ts";
import { listModels, retrieveModel } from "./models/model_list.ts";
import { type ResolvedModel, resolveModel, withAvailableModels } from "./models/resolve_model.ts";
import { validateEffort } from "./models/validate_effort.ts";
import { forward } from "./pipeline/forward.ts";
import { mergeCapabilities, takeCapabilityOverride } from "./pipeline/merge_capabilities.ts";
import { resolveAuth } from "./pipeline/resolve_auth.ts";
import { streamBack } from "./pipeline/stream_back.ts";
import { translate } from "./pipeline/translate.ts";
import type { HostInfo } from "./upstream/headers.ts";
import { QuotaTracker } from "./upstream/quota_tracker.ts";
import { VERSION } from "./version.ts";

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
  /** Replaces the auth.json-based credential sources (by backend name). */
  credentialSources?: ReadonlyMap<string, CredentialSource>;
}

/** A request handler. */
export type Handler = (request: Request) => Promise<Response>;

/** Shared, long-lived services of one app instance (never module globals). */
interface Services {
  config: ResolvedConfig;
  fetch: typeof fetch;
  now: () => number;
  newId: () => string;
  logger: Logger;
  host: HostInfo;
  credentials: ReadonlyMap<string, CredentialSource>;
  catalogs: ReadonlyMap<string, CatalogService>;
  /** Latest `x-codex-*` usage per account (spec §8). */
  quota: QuotaTracker;
  /** Finished Responses, for previous_response_id and GET /v1/responses/{id}. */
  responses: ResponseStore;
  startedAt: number;
}

/** Builds the app's services and returns its handler. */
export function createHandler(deps: AppDeps): Handler {
  const services = createServices(deps);
  const { server } = services.config;
  const guard = browserGuard({
    bindHost: server.host,
    allowedHosts: server.allowed_hosts,
    corsOrigins: server.cors_origins,
  });
  const routed = withCors(
    (request: Request, body: RequestBody, record: RequestRecord) =>
      handle(request, { services, record, body, guard }),
    server.cors_origins,
  );
  const bounded = withRequestBounds(routed, {
    maxInFlight: server.max_requests_in_flight,
    deadlines: {
      idleMs: server.body_idle_timeout_seconds * 1000,
      totalMs: server.body_timeout_seconds * 1000,
    },
    refuse: (request, error, record: RequestRecord) =>
      errorResponse(
        error,
        errorBodyFor(apiPath(new URL(request.url).pathname)),
        services,
        record.id,
      ),
  });
  return withRequestLog(bounded, { logger: services.logger, newId: services.newId });
}

/** What one request's handling works with. */
interface RequestScope {
  services: Services;
  record: RequestRecord;
  /** The request's body, read within the body deadlines. */
  body: RequestBody;
  /** The browser check (Host, Origin). */
  guard: (request: Request) => ProxyError | undefined;
}

function jsonLimits(services: Services): JsonBodyLimits {
  return {
    limitBytes: services.config.server.body_limit_mb * 1048576,
    maxDepth: services.config.server.max_json_depth,
  };
}

function createServices(deps: AppDeps): Services {
  const { config } = deps;
  const env = deps.env ?? {};
  const platform = deps.platform ?? Deno.build.os;
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const logger = deps.logger ?? createLogger(config.log_level);
  const host: HostInfo = { os: platform, arch: Deno.build.arch };
  const codexHome = codexHomeDir(env, platform);
  const credentials = new Map<string, CredentialSource>(deps.credentialSources ?? []);
  const catalogs = new Map<string, CatalogService>();
  for (const backend of Object.values(config.backends)) {
    if (!credentials.has(backend.name)) {
      credentials.set(
        backend.name,
        defaultCredentialSource(backend, { env, platform, fetch: fetchFn, now, logger }),
      );
    }
    catalogs.set(
      backend.name,
      new CatalogService(backend, {
        fetch: fetchFn,
        now,
        credentials: credentials.get(backend.name)!,
        codexHome,
        host,
        logger,
        newId,
      }),
    );
  }
  return {
    config,
    fetch: fetchFn,
    now,
    newId,
    logger,
    host,
    credentials,
    catalogs,
    quota: new QuotaTracker(now),
    responses: new ResponseStore({
      maxEntries: config.responses_store.max_entries,
      ttlSeconds: config.responses_store.ttl_seconds,
      now,
    }),
    startedAt: now(),
  };
}

function defaultCredentialSource(
  backend: ResolvedBackend,
  deps: {
    env: Readonly<Record<string, string | undefined>>;
    platform: string;
    fetch: typeof fetch;
    now: () => number;
    logger: Logger;
  },
): CredentialSource {
  return credentialSourceFor(backend, {
    ...deps,
    refresh: {
      tokenUrl: backend.token_url,
      clientId: backend.client_id,
      marginMs: backend.refresh_margin_seconds * 1000,
    },
  }).source;
}

const FRONTENDS: Record<string, Frontend> = {
  "/v1/chat/completions": chatCompletionsFrontend,
  "/v1/responses": responsesFrontend,
  "/v1/messages": anthropicMessagesFrontend,
};

/**
 * The route path: trailing slashes dropped, and `/v1` added for clients whose
 * base URL lacks it (`http://127.0.0.1:8000` + `/chat/completions`).
 */
function apiPath(pathname: string): string {
  const path = pathname.replace(/\/+$/, "") || "/";
  return /^\/(chat\/completions|responses|messages|models)(\/|$)/.test(path) ? `/v1${path}` : path;
}

/** Errors outside a completion (auth, 404, 405) in the shape of the API the path belongs to. */
function errorBodyFor(path: string): (error: ProxyError, requestId: string) => unknown {
  return path === "/v1/messages" || path.startsWith("/v1/messages/")
    ? anthropicErrorBody
    : openAIErrorBody;
}

async function handle(request: Request, scope: RequestScope): Promise<Response> {
  const { services, record } = scope;
  const url = new URL(request.url);
  const path = apiPath(url.pathname);
  const requestId = record.id;
  const frontend = FRONTENDS[path];
  const { config, catalogs } = services;
  const json = (body: unknown) => Response.json(body, { headers: { "x-request-id": requestId } });
  try {
    const refusal = scope.guard(request);
    if (refusal) throw refusal;
    if (path === "/health") {
      requireMethod(request, "GET");
      return Response.json(health(services));
    }
    requireApiKey(request, config.server.api_key);
    if (path === "/v1/models") {
      requireMethod(request, "GET");
      return json(await listModels(config, catalogs));
    }
    if (path.startsWith("/v1/models/")) {
      requireMethod(request, "GET");
      return json(await retrieveModel(decodePathSegment(path.slice(11)), config, catalogs));
    }
    if (path === "/status") {
      requireMethod(request, "GET");
      return json(await statusReport(services));
    }
    if (path.startsWith("/v1/responses/")) {
      const answer = handleStoredResponseRoute(request, path, services.responses);
      if (answer) return json(answer);
    }
    if (frontend) {
      requireMethod(request, "POST");
      return await handleCompletion(request, frontend, scope);
    }
    if (path === "/v1/messages/count_tokens") {
      requireMethod(request, "POST");
      const body = await readJsonBody(request, scope.body, jsonLimits(services));
      return Response.json(countTokens(body, request.headers), {
        headers: { "x-request-id": requestId },
      });
    }
    throw new ProxyError(404, `No route for ${request.method} ${url.pathname}`, {
      code: "not_found",
    });
  } catch (err) {
    return errorResponse(err, frontend?.errorBody ?? errorBodyFor(path), services, requestId);
  }
}

async function handleCompletion(
  request: Request,
  frontend: Frontend,
  scope: RequestScope,
): Promise<Response> {
  const { services, record } = scope;
  const { config, logger } = services;
  const requestId = record.id;
  let resolved: ResolvedModel | undefined;
  try {
    const body = await readJsonBody(request, scope.body, jsonLimits(services));
    const override = takeCapabilityOverride(body, request.headers);
    const environment = takeEnvironmentOverride(body, request.headers);
    const parsed = frontend.parse(body, request.headers);
    if (override) parsed.capability_override = override;
    if (parsed.dropped.length > 0) {
      logger.debug("dropped parameters", { requestId, dropped: parsed.dropped });
    }
    expandPreviousResponse(parsed, services.responses);
    record.model = parsed.model;
    const route = resolved = await resolveModel(parsed.model, config, services.catalogs);
    const backend = route.backend;
    record.backend = backend.name;

    // 1. resolveAuth
    const { source, credentials } = await resolveAuth(
      backend,
      services.credentials,
      request.signal,
    );
    // 2. mergeCapabilities
    const capabilities = mergeCapabilities(backend.extra.codex.default_capabilities, override);
    // 3. translate
    const catalog = services.catalogs.get(backend.name)!;
    validateEffort(parsed.reasoning?.effort ?? route.effort, {
      model: await catalog.find(route.slug),
      param: parsed.dialect === "chat" ? "reasoning_effort" : "reasoning.effort",
    });
    const upstreamRequest = translate(parsed, {
      capabilities,
      slug: route.slug,
      effort: route.effort,
      baseInstructions: await catalog.baseInstructions(route.slug),
      codexTools: CODEX_TOOLS,
      environmentContext: { ...backend.extra.codex.environment_context, ...environment },
      requestId,
      resolveItemReference: (id) => services.responses.findItem(id),
    });
    if (upstreamRequest.notes?.length) {
      logger.debug("repaired input", { requestId, notes: upstreamRequest.notes });
    }
    // 4. forward
    const timeoutMs = backend.timeout * 1000;
    const answer = await forward(upstreamRequest, {
      backend,
      credentials: source,
      initial: credentials,
      fetch: services.fetch,
      signal: request.signal,
      host: services.host,
      logger,
      timeoutMs,
      quota: services.quota,
    });
    record.quota = answer.quotaHeaders;
    // 5. streamBack
    const context: ResponseContext = {
      model: parsed.model,
      requestId,
      created: Math.floor(services.now() / 1000),
      capabilities,
      request: parsed,
      upstreamBody: upstreamRequest.body,
      toolNameFromUpstream: (name) => upstreamRequest.toolNames?.get(name) ?? name,
      reasoningField: backend.extra.codex.reasoning_field,
    };
    return await streamBack(answer.response.body!, {
      frontend,
      context,
      stream: parsed.stream,
      idleTimeoutMs: timeoutMs,
      logger,
      transform: createCapabilityTransform(capabilities, {
        rules: backend.extra.codex.reactor_rules,
        logger,
        requestId,
        toolName: context.toolNameFromUpstream,
      }),
      headers: { ...answer.quotaHeaders, "x-request-id": requestId },
      onFirstEvent: () => (record.ttfbMs = performance.now() - record.startedAt),
      onFinish: (result, error) => {
        record.usage = result.usage;
        if (error) record.streamError = error.code ?? String(error.status);
        else if (parsed.dialect === "responses") {
          rememberResponse(services.responses, parsed, result, context);
        }
      },
    });
  } catch (err) {
    const error = err instanceof ProxyError && resolved
      ? withAvailableModels(err, resolved.backend, config, resolved.catalog)
      : err;
    return errorResponse(error, frontend.errorBody, services, requestId);
  }
}

function requireMethod(request: Request, method: string): void {
  if (request.method !== method) {
    throw new ProxyError(405, `Method ${request.method} is not allowed here; use ${method}`, {
      code: "method_not_allowed",
      headers: { allow: method },
    });
  }
}

function health(services: Services): Record<string, unknown> {
  return {
    status: "ok",
    version: VERSION,
    uptime_seconds: Math.round((services.now() - services.startedAt) / 1000),
    backends: Object.fromEntries(
      Object.values(services.config.backends).map((b) => [b.name, {
        type: b.type,
        default_capabilities: mergeCapabilities(b.extra.codex.default_capabilities),
      }]),
    ),
  };
}

function errorResponse(
  err: unknown,
  render: (error: ProxyError, requestId: string) => unknown,
  services: Services,
  requestId: string,
): Response {
  const error = err instanceof ProxyError
    ? err
    : new ProxyError(500, "Internal error in codexgate", {
      code: "internal_error",
      cause: err,
    });
  if (!(err instanceof ProxyError)) {
    services.logger.error("unhandled error", {
      requestId,
      error: (err as Error)?.stack ?? String(err),
    });
  }
  return Response.json(render(error, requestId), {
    status: error.status,
    headers: { ...error.headers, "x-request-id": requestId },
  });
}
