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
import { requireApiKey } from "./http/api_key.ts";
import { withCors } from "./http/cors.ts";
import { whileConnected } from "./http/client_gone.ts";
import { errorResponse } from "./http/error_response.ts";
import { health } from "./http/health.ts";
import {
  answerHeaders,
  recordError,
  type RequestRecord,
  withRequestLog,
} from "./http/request_record.ts";
import { requireMethod } from "./http/require_method.ts";
import { statusReport } from "./http/status_report.ts";
import { isWebSocketUpgrade, requireAllowedOrigin } from "./http/websocket_upgrade.ts";
import { listModels, retrieveModel } from "./models/model_list.ts";
import { type ResolvedModel, resolveModel, withAvailableModels } from "./models/resolve_model.ts";
import {
  COMPACTION_HEADER,
  compactionHeaderValue,
  forwardCompacting,
} from "./pipeline/auto_compact.ts";
import { compactPassthrough } from "./pipeline/compact_passthrough.ts";
import { forward } from "./pipeline/forward.ts";
import { mergeCapabilities } from "./pipeline/merge_capabilities.ts";
import { receiveRequest } from "./pipeline/receive_request.ts";
import { resolveAuth } from "./pipeline/resolve_auth.ts";
import { streamBack } from "./pipeline/stream_back.ts";
import { translate } from "./pipeline/translate.ts";

export type { AppDeps } from "./app_context.ts";

/** A request handler. */
export type Handler = (request: Request) => Promise<Response>;

/** Builds the app's context and returns its handler. */
export function createHandler(deps: AppDeps): Handler {
  const app = createAppContext(deps);
  const routed = withCors(
    (request: Request, record: RequestRecord) => route(request, app, record, handler),
    app.config.server.cors_origins,
  );
  const handler = withRequestLog(routed, {
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
  return /^\/(chat\/completions|responses|messages|models)(\/|$)/.test(path) ? `/v1${path}` : path;
}

/** `handler` is the app's own: a WebSocket's turns go through it as HTTP requests. */
async function route(
  request: Request,
  app: AppContext,
  record: RequestRecord,
  handler: Handler,
): Promise<Response> {
  const url = new URL(request.url);
  const path = apiPath(url.pathname);
  const requestId = record.id;
  const { config, catalogs } = app;
  // Errors take the shape of the API the path belongs to (OpenAI's unless a frontend says).
  const frontend = frontendFor(app.frontends, path);
  const json = (body: unknown) => Response.json(body, { headers: { "x-request-id": requestId } });
  try {
    if (path === "/health") {
      requireMethod(request, "GET");
      return Response.json(health(config, { now: app.now(), startedAt: app.startedAt }));
    }
    requireApiKey(request, config.server.api_key);
    if (path === "/v1/models") {
      requireMethod(request, "GET");
      return json(await listModels(config, catalogs));
    }
    if (path.startsWith("/v1/models/")) {
      requireMethod(request, "GET");
      return json(await retrieveModel(decodeURIComponent(path.slice(11)), config, catalogs));
    }
    if (path === "/status") {
      requireMethod(request, "GET");
      return json(
        await statusReport({
          config,
          credentials: app.state.credentials,
          catalogs,
          quota: app.state.quota,
          now: app.now,
          startedAt: app.startedAt,
        }),
      );
    }
    if (frontend?.upgrade && path === frontend.path && isWebSocketUpgrade(request)) {
      requireAllowedOrigin(request, config.server.cors_origins);
      return frontend.upgrade(request, {
        turn: handler,
        idleTimeoutMs: config.server.websocket_idle_timeout_seconds * 1000,
        maxAgeMs: config.server.websocket_max_age_seconds * 1000,
        id: requestId,
        logger: app.logger,
      });
    }
    if (frontend && path === frontend.path) {
      requireMethod(request, "POST");
      return await complete(request, frontend, app, record);
    }
    if (path === "/v1/responses/compact") {
      requireMethod(request, "POST");
      return json(
        await compactPassthrough(request, {
          config,
          catalogs,
          credentials: app.state.credentials,
          fetch: app.fetch,
          host: app.host,
          requestId,
        }),
      );
    }
    const bodyLimitBytes = config.server.body_limit_mb * 1048576;
    const answer = await frontend?.route?.(request, path, { bodyLimitBytes });
    if (answer !== undefined) return json(answer);
    throw new ProxyError(404, `No route for ${request.method} ${url.pathname}`, {
      code: "not_found",
    });
  } catch (err) {
    const render = frontend?.errorBody ?? openAIErrorBody;
    return errorResponse(err, { render, record, logger: app.logger, signal: request.signal });
  }
}

/** One completion: the frontend's request through the five stages. */
async function complete(
  request: Request,
  frontend: Frontend,
  app: AppContext,
  record: RequestRecord,
): Promise<Response> {
  const { config, logger, state } = app;
  const requestId = record.id;
  let model: ResolvedModel | undefined;
  try {
    const incoming = await receiveRequest(request, {
      frontend,
      bodyLimitBytes: config.server.body_limit_mb * 1048576,
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

    // 1. resolveAuth
    const auth = await resolveAuth(backend, {
      credentials: state.credentials,
      signal: request.signal,
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
    });
    if (upstream.notes?.length) {
      logger.debug("repaired input", { requestId, notes: upstream.notes });
    }
    record.reasoningEffort = upstream.effort;
    if (upstream.effort && upstream.effort.used !== upstream.effort.requested) {
      logger.debug("reasoning effort mapped", { requestId, model: model.slug, ...upstream.effort });
    }
    // 4. forward (with auto_compact, the older input compacted first when it would not fit)
    const { answer, request: sent, compaction } = await forwardCompacting(upstream, {
      send: (body) =>
        forward(body, {
          ...auth,
          credentialService: state.credentials,
          fetch: app.fetch,
          signal: request.signal,
          host: app.host,
          logger,
          quota: state.quota,
          now: app.now,
        }),
      capabilities,
      entry: model.entry,
      cache: state.compactions,
      accountId: auth.credentials.accountId,
      idleMs: backend.timeout * 1000,
      logger,
    });
    record.quota = answer.quotaHeaders;
    // 5. streamBack
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
      onFinish: (result, error) => {
        record.usage = result.usage;
        if (!error) return;
        recordError(record, error);
        if (incoming.request.stream) record.streamError = record.error!.code;
      },
    });
  } catch (err) {
    const error = model ? withAvailableModels(err, model, config) : err;
    return errorResponse(error, {
      render: frontend.errorBody,
      record,
      logger,
      signal: request.signal,
    });
  }
}
