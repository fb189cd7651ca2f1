/**
 * The routes beside the completion pipeline, after the key check: models,
 * images, the status report, metrics, usage history, the Codex CLI's limits,
 * the live request stream and the compact passthrough. Each answers only its
 * method (docs/architecture.md#routes).
 *
 * @module
 */
import type { AppContext } from "../app_context.ts";
import { decodePathSegment } from "../http/decode_path_segment.ts";
import { requireMethod } from "../http/require_method.ts";
import { statusReport } from "../http/status_report.ts";
import { answerImages, IMAGE_ROUTES } from "../images/images_route.ts";
import { accountOverviews, publicOverview } from "../limits/account_overview.ts";
import { codexUsage, isCodexUsagePath } from "../limits/codex_usage_route.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/prometheus_text.ts";
import { listModels, retrieveModel } from "../models/model_list.ts";
import { compactPassthrough } from "../pipeline/compact_passthrough.ts";
import { usageAnswer } from "../usage/usage_route.ts";
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
  if (path === "/v1/models") return get(async () => json(await listModels(config, catalogs)));
  if (path.startsWith("/v1/models/")) {
    return get(async () =>
      json(await retrieveModel(decodePathSegment(path.slice(11)), config, catalogs))
    );
  }
  const imageOperation = Object.hasOwn(IMAGE_ROUTES, path) ? IMAGE_ROUTES[path] : undefined;
  if (imageOperation) {
    return answerImages(request, imageOperation, {
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
    });
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
    return get(async () =>
      json(await usageAnswer(new URL(request.url), app.state.usage, app.now()))
    );
  }
  if (isCodexUsagePath(path)) {
    return get(async () => {
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
    return compactPassthrough(request, {
      config,
      catalogs,
      credentials: app.state.credentials,
      fetch: app.fetch,
      host: app.host,
      requestId: record.id,
      readJson,
    }).then(json);
  }
  return undefined;
}

/** `/status`: the report, with every account's plan, limits and state (limits polled if stale). */
async function status(app: AppContext): Promise<Record<string, unknown>> {
  const { config } = app;
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
function accountsOf(app: AppContext) {
  return accountOverviews({
    config: app.config,
    credentials: app.state.credentials,
    quota: app.state.quota,
    now: app.now,
    lastError: (backend) => app.accountErrors.latest(backend, app.limits.lastError(backend)),
  });
}
