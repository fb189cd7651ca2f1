/**
 * The app: `createHandler(deps)` returns a `(Request) => Promise<Response>`
 * that routes, then runs the five pipeline stages in plain sight:
 * resolveAuth → mergeCapabilities → translate → forward → streamBack.
 * Everything that differs between client wires is a hook of their frontend
 * (dialects/frontend.ts); this file names none of them. `Deno.serve` and the
 * tests call the same handler.
 *
 * @module
 */
import { type AppContext, type AppDeps, createAppContext } from "./app_context.ts";
import type { Frontend } from "./dialects/frontend.ts";
import { frontendFor } from "./dialects/frontends.ts";
import { openAIErrorBody } from "./dialects/openai_error.ts";
import { ProxyError } from "./errors.ts";
import { clientKeys, requireClientKey } from "./http/api_key.ts";
import { withCors } from "./http/cors.ts";
import { browserGuard } from "./http/browser_guard.ts";
import { readClientJson, whileConnected } from "./http/client_gone.ts";
import { readFormBody } from "./http/read_form_body.ts";
import { errorResponse } from "./http/error_response.ts";
import { health } from "./http/health.ts";
import {
  answerHeaders,
  recordError,
  type RequestRecord,
  withRequestLog,
} from "./http/request_record.ts";
import type { RequestBody } from "./http/request_body.ts";
import { withRequestBounds } from "./http/request_bounds.ts";
import { requireMethod } from "./http/require_method.ts";
import { isWebSocketUpgrade, requireAllowedOrigin } from "./http/websocket_upgrade.ts";
import type { ResolvedModel } from "./models/resolve_model.ts";
import type { Exchange, Handler } from "./routes/exchange.ts";
import { serviceRoute } from "./routes/service_routes.ts";
import { routeUiOpen } from "./ui/status_ui.ts";

export type { AppDeps } from "./app_context.ts";

export type { Handler } from "./routes/exchange.ts";

/**
 * Builds the app's context and returns its handler: the request log around
 * the request bounds (requests in flight, body deadlines) around CORS around
 * the router (docs/security.md).
 */
export function createHandler(deps: AppDeps): Handler {
  const app = createAppContext(deps);
  const { server } = app.config;
  const guard = browserGuard({
    bindHost: server.host,
    allowedHosts: server.allowed_hosts,
    corsOrigins: server.cors_origins,
  });
  const limits = { limitBytes: server.body_limit_mb * 1048576, maxDepth: server.max_json_depth };
  const routed = withCors(
    (request: Request, body: RequestBody, record: RequestRecord) =>
      route(request, app, {
        record,
        guard,
        readJson: () => readClientJson(request, body, limits),
        readForm: () => readFormBody(request, body, limits.limitBytes),
        handler,
      }),
    server.cors_origins,
  );
  const bounded = withRequestBounds(routed, {
    maxInFlight: server.max_requests_in_flight,
    deadlines: {
      idleMs: server.body_idle_timeout_seconds * 1000,
      totalMs: server.body_timeout_seconds * 1000,
    },
    refuse: (request, error, record: RequestRecord) =>
      errorResponse(error, {
        render: frontendFor(app.frontends, apiPath(new URL(request.url).pathname))?.errorBody ??
          openAIErrorBody,
        record,
        logger: app.logger,
        signal: request.signal,
      }),
  });
  const handler = withRequestLog(bounded, {
    logger: app.logger,
    newId: app.newId,
    events: app.events,
    now: app.now,
  });
  return handler;
}

/**
 * The route path: trailing slashes dropped, and `/v1` added for clients whose
 * base URL lacks it (`http://127.0.0.1:8000` + `/chat/completions`).
 */
function apiPath(pathname: string): string {
  const path = pathname.replace(/\/+$/, "") || "/";
  return /^\/(chat\/completions|responses|messages|models|images)(\/|$)/.test(path)
    ? `/v1${path}`
    : path;
}

async function route(request: Request, app: AppContext, exchange: Exchange): Promise<Response> {
  const { record, readJson } = exchange;
  const url = new URL(request.url);
  const path = apiPath(url.pathname);
  const requestId = record.id;
  const { config } = app;
  // Errors take the shape of the API the path belongs to (OpenAI's unless a frontend says).
  const wire = frontendFor(app.frontends, path);
  const json = (body: unknown) => Response.json(body, { headers: { "x-request-id": requestId } });
  try {
    const refusal = exchange.guard(request);
    if (refusal) throw refusal;
    // While open WebSockets finish their turns at shutdown, the listener still accepts.
    if (app.shutdown?.aborted) throw shuttingDown();
    if (path === "/health") {
      requireMethod(request, "GET");
      return Response.json(health(config, { now: app.now(), startedAt: app.startedAt }));
    }
    const open = routeUiOpen(request, path, app.ui, readJson);
    if (open) return await open;
    record.client = requireClientKey(request, clientKeys(config.server), {
      path,
      hasSession: (r) => app.ui.sessions.has(r),
    });
    const service = serviceRoute(request, path, app, exchange);
    if (service) return await service;
    // The wire's modules load with the first request to its paths (docs/operations.md#startup).
    const frontend = await wire?.load();
    if (frontend?.upgrade && path === frontend.path && isWebSocketUpgrade(request)) {
      requireAllowedOrigin(request, config.server.cors_origins);
      return frontend.upgrade(request, {
        turn: exchange.handler,
        idleTimeoutMs: config.server.websocket_idle_timeout_seconds * 1000,
        maxAgeMs: config.server.websocket_max_age_seconds * 1000,
        id: requestId,
        logger: app.logger,
        shutdown: app.shutdown,
        sockets: app.sockets,
      });
    }
    if (frontend && path === frontend.path) {
      requireMethod(request, "POST");
      return await complete(request, frontend, app, exchange);
    }
    const answer = await frontend?.route?.(request, path, { readJson });
    if (answer !== undefined) return json(answer);
    throw new ProxyError(404, `No route for ${request.method} ${url.pathname}`, {
      code: "not_found",
    });
  } catch (err) {
    const render = wire?.errorBody ?? openAIErrorBody;
    return errorResponse(err, { render, record, logger: app.logger, signal: request.signal });
  }
}

let pipeline: Promise<typeof import("./pipeline/stages.ts")> | undefined;

/** The pipeline's modules, loaded with the first completion, not at start (docs/operations.md#startup). */
function loadPipeline(): Promise<typeof import("./pipeline/stages.ts")> {
  return pipeline ??= import("./pipeline/stages.ts");
}

/** One completion: the frontend's request through the five stages. */
async function complete(
  request: Request,
  frontend: Frontend,
  app: AppContext,
  exchange: Exchange,
): Promise<Response> {
  const {
    receiveRequest,
    resolveModel,
    withAvailableModels,
    withContextWindow,
    conversationKey,
    resolveAuth,
    mergeCapabilities,
    translate,
    runOnAccounts,
    forwardOnAccount,
    forwardCompacting,
    COMPACTION_HEADER,
    compactionHeaderValue,
    streamBack,
    parseRateLimitsEvent,
    updateQuota,
  } = await loadPipeline();
  const { config, logger, state } = app;
  const { record } = exchange;
  const requestId = record.id;
  let model: ResolvedModel | undefined;
  try {
    const incoming = await receiveRequest(request, {
      frontend,
      readJson: exchange.readJson,
      logger,
      requestId,
    });
    record.model = incoming.request.model;
    record.dialect = frontend.dialect;
    if (incoming.request.ignored?.length) record.ignoredParams = incoming.request.ignored;
    // The catalog may be fetched for everyone; a client that leaves stops waiting for it.
    model = await whileConnected(
      resolveModel(incoming.request.model, config, app.catalogs),
      request.signal,
    );
    const backend = model.backend;
    record.backend = backend.name;

    // 1. resolveAuth: the conversation keeps its account while that account can serve
    const conversation = conversationKey(incoming.request);
    const auth = await resolveAuth(backend, {
      credentials: state.credentials,
      signal: request.signal,
      conversation,
    });
    // 2. mergeCapabilities
    const capabilities = mergeCapabilities(backend, incoming.capabilities);
    // 3. translate
    const upstream = translate(incoming.request, {
      capabilities,
      model,
      effortParam: frontend.effortParam,
      environment: incoming.environment,
      requestId,
      conversationKey: conversation,
    });
    if (upstream.notes?.length) {
      logger.debug("repaired input", { requestId, notes: upstream.notes });
    }
    if (upstream.stripped?.length) {
      logger.debug("dropped parameters", { requestId, dropped: upstream.stripped });
    }
    record.serviceTier = upstream.body.service_tier ?? "default";
    record.reasoningEffort = upstream.effort;
    if (upstream.effort && upstream.effort.used !== upstream.effort.requested) {
      logger.debug("reasoning effort mapped", { requestId, model: model.slug, ...upstream.effort });
    }
    const forwardContext = {
      ...auth,
      credentialService: state.credentials,
      fetch: app.fetch,
      signal: request.signal,
      host: app.host,
      logger,
      quota: state.quota,
      now: app.now,
      onRetry: () => app.metrics.retries.inc({ backend: backend.name }),
      turnState: state.turnState,
    };
    const entry = model.entry;
    // 4. forward and 5. streamBack; with several accounts, a failure before any output moves
    // the request to another account (docs/accounts.md); with auto_compact, the older input is
    // compacted first when it would not fit (docs/websocket-and-compaction.md).
    return await runOnAccounts(upstream, forwardContext, async (translated, context) => {
      const { answer, request: sent, compaction } = await forwardCompacting(translated, {
        send: (body) => forwardOnAccount(body, context),
        capabilities,
        entry,
        cache: state.compactions,
        accountId: context.credentials.accountId,
        idleMs: backend.timeout * 1000,
        logger,
      });
      record.quota = answer.quotaHeaders;
      record.account = answer.credentials.account ?? backend.name;
      return await streamBack(answer, {
        frontend,
        request: incoming.request,
        upstream: sent,
        capabilities,
        backend,
        reactorRules: app.reactorRules.get(backend.name) ?? [],
        requestId,
        now: app.now,
        logger,
        headers: {
          ...answerHeaders(record),
          ...(compaction && { [COMPACTION_HEADER]: compactionHeaderValue(compaction) }),
        },
        signal: request.signal,
        onFirstEvent: () => (record.ttfbMs = performance.now() - record.startedAt),
        onUpstreamEvent: (event) => {
          const figures = parseRateLimitsEvent(event, app.now());
          if (figures) {
            updateQuota(state.quota, answer.credentials.accountId, figures).catch(() => {});
          }
        },
        onFinish: (result, error) => {
          record.usage = result.usage;
          if (!error) return;
          recordError(record, error);
          if (incoming.request.stream) record.streamError = record.error!.code;
        },
      });
    });
  } catch (err) {
    const error = model ? withContextWindow(withAvailableModels(err, model, config), model) : err;
    return errorResponse(error, {
      render: frontend.errorBody,
      record,
      logger,
      signal: request.signal,
    });
  }
}

/** 503 for a request that arrives while codexgate shuts down. */
function shuttingDown(): ProxyError {
  return new ProxyError(503, "codexgate is shutting down; retry once it is back.", {
    code: "server_shutting_down",
    type: "server_error",
    headers: { "retry-after": "1", connection: "close" },
  });
}
