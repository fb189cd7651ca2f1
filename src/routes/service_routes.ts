/**
 * The routes beside the completion pipeline, after the key check: models,
 * images, the status report, metrics, usage history, the Codex CLI's limits,
 * the live request stream and the compact passthrough. Each answers only its
 * method (docs/architecture.md#routes). A route's modules load with the
 * first request to it, not at start (docs/operations.md#startup).
 *
 * @module
 */
import type { AppContext } from "../app_context.ts";
import { decodePathSegment } from "../http/decode_path_segment.ts";
import { requireMethod } from "../http/require_method.ts";
import { IMAGE_ROUTES } from "../images/image_request.ts";
import { isCodexUsagePath } from "../limits/usage_url.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/prometheus_text.ts";
import type { Exchange } from "./exchange.ts";

/**
 * The answer of the service route `path` names, or undefined when none does.
 *
 * @throws {ProxyError} 405 for another method; what the route itself refuses.
 */
export function serviceRoute(
  request: Request,
  path: string,
  app: AppContext,
  exchange: Exchange,
): Promise<Response> | undefined {
  const { config, catalogs } = app;
  const { record, readJson } = exchange;
  const json = (body: unknown) => Response.json(body, { headers: { "x-request-id": record.id } });
  const get = (answer: () => Promise<Response> | Response): Promise<Response> => {
    requireMethod(request, "GET");
    return Promise.resolve(answer());
  };
  if (path === "/status/events") return get(() => app.ui.live.open(request));
  if (path === "/v1/models") {
    return get(async () => {
      const { listModels } = await import("../models/model_list.ts");
      return json(await listModels(config, catalogs));
    });
  }
  if (path.startsWith("/v1/models/")) {
    return get(async () => {
      const { retrieveModel } = await import("../models/model_list.ts");
      return json(await retrieveModel(decodePathSegment(path.slice(11)), config, catalogs));
    });
  }
  const imageOperation = Object.hasOwn(IMAGE_ROUTES, path) ? IMAGE_ROUTES[path] : undefined;
  if (imageOperation) {
    return import("../images/images_route.ts").then(({ answerImages }) =>
      answerImages(request, imageOperation, {
        config,
        credentials: app.state.credentials,
        fetch: app.fetch,
        host: app.host,
        logger: app.logger,
        quota: app.state.quota,
        now: app.now,
        record,
        readJson,
        readForm: exchange.readForm,
      })
    );
  }
  if (path === "/status") return get(async () => json(await status(app)));
  if (path === "/metrics") {
    return get(async () =>
      new Response(app.metrics.render(await accountsOf(app)), {
        headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "x-request-id": record.id },
      })
    );
  }
  if (path === "/v1/usage") {
    return get(async () => {
      const { usageAnswer } = await import("../usage/usage_route.ts");
      return json(await usageAnswer(new URL(request.url), app.state.usage, app.now()));
    });
  }
  if (isCodexUsagePath(path)) {
    return get(async () => {
      const { codexUsage } = await import("../limits/codex_usage_route.ts");
      const { body, account } = await codexUsage({
        ...app.state,
        config,
        limits: app.limits,
        now: app.now,
      });
      return Response.json(body, {
        headers: { "x-request-id": record.id, "x-codexgate-account": account },
      });
    });
  }
  if (path === "/v1/responses/compact") {
    requireMethod(request, "POST");
    return import("../pipeline/compact_passthrough.ts").then(({ compactPassthrough }) =>
      compactPassthrough(request, {
        config,
        catalogs,
        credentials: app.state.credentials,
        fetch: app.fetch,
        host: app.host,
        requestId: record.id,
        readJson,
      })
    ).then(json);
  }
  return undefined;
}

/** `/status`: the report, with every account's plan, limits and state (limits polled if stale). */
async function status(app: AppContext): Promise<Record<string, unknown>> {
  const { config } = app;
  const [{ statusReport }, { publicOverview }] = await Promise.all([
    import("../http/status_report.ts"),
    import("../limits/account_overview.ts"),
  ]);
  await Promise.all(Object.keys(config.backends).map((b) => app.limits.ensureFresh(b)));
  const [report, accounts] = await Promise.all([
    statusReport({
      config,
      credentials: app.state.credentials,
      catalogs: app.catalogs,
      quota: app.state.quota,
      now: app.now,
      startedAt: app.startedAt,
    }),
    accountsOf(app),
  ]);
  return { ...report, accounts: accounts.map(publicOverview) };
}

/** Every account's overview (plan, limits, state, last error). */
async function accountsOf(app: AppContext) {
  const { accountOverviews } = await import("../limits/account_overview.ts");
  return await accountOverviews({
    config: app.config,
    credentials: app.state.credentials,
    quota: app.state.quota,
    now: app.now,
    lastError: (backend) => app.accountErrors.latest(backend, app.limits.lastError(backend)),
  });
}
