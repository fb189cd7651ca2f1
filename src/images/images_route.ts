/**
 * `POST /v1/images/generations` and `POST /v1/images/edits` in OpenAI's
 * shape, answered by the Codex backend's own images endpoints
 * (`{base}/images/generations`, `{base}/images/edits`;
 * docs/backend-protocol.md#images, docs/clients.md#images). Not a dialect of
 * the completion pipeline: one JSON call, no stream, so it has its own small
 * route beside `/v1/models`.
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import { requireMethod } from "../http/require_method.ts";
import type { RequestRecord } from "../http/request_record.ts";
import type { Logger } from "../log.ts";
import { routeModel } from "../models/route_model.ts";
import { type QuotaStore, recordQuota } from "../state/quota_store.ts";
import { fetchWithTimeout } from "../upstream/fetch_with_timeout.ts";
import { type HostInfo, upstreamHeaders } from "../upstream/headers.ts";
import { isHtmlAnswer } from "../upstream/html_answer.ts";
import { mapUpstreamHttpError } from "../upstream/map_upstream_error.ts";
import { RetryPolicy, sleep } from "../upstream/retry_policy.ts";
import { type ImageOperation, readImageRequest } from "./image_request.ts";

/** What an images call needs from the app. */
export interface ImagesContext {
  config: ResolvedConfig;
  credentials: CredentialService;
  fetch: typeof fetch;
  host: HostInfo;
  logger: Logger;
  quota: QuotaStore;
  now: () => number;
  record: RequestRecord;
  /** Reads the JSON body within the server's bounds. */
  readJson: () => Promise<Record<string, unknown>>;
  /** Reads a multipart body within the same bounds. */
  readForm: () => Promise<FormData>;
}

/** One backend image as OpenAI's Images API returns it. */
interface ImageDatum {
  b64_json?: string;
  url?: string;
  revised_prompt?: string;
}

/**
 * Answers one images request.
 *
 * @throws {ProxyError} in OpenAI's terms (400 for a bad request, the backend's failures mapped).
 */
export async function answerImages(
  request: Request,
  operation: ImageOperation,
  context: ImagesContext,
): Promise<Response> {
  requireMethod(request, "POST");
  const { config, record, logger } = context;
  const backend = config.backends[config.default_backend];
  const parsed = await readImageRequest(request, operation, {
    readJson: context.readJson,
    readForm: context.readForm,
    defaultModel: backend.extra.codex.image_model,
  });
  // `<backend>:<model>` picks a backend, as for completions.
  const route = parsed.model ? routeModel(parsed.model, config) : { backend, slug: "" };
  if (route.slug) parsed.body.model = route.slug;
  record.model = parsed.body.model;
  record.dialect = "images";
  record.backend = route.backend.name;
  if (parsed.dropped.length > 0) {
    logger.debug("dropped parameters", { requestId: record.id, dropped: parsed.dropped });
  }
  const url = `${route.backend.base_url}/images/${operation}`;
  const body = JSON.stringify(parsed.body);
  let credentials = await context.credentials.get(route.backend.name, request.signal);
  const policy = new RetryPolicy({ maxRetries: route.backend.max_retries });
  let recovered = false;
  for (let attempt = 1;; attempt++) {
    const headers = upstreamHeaders(credentials, {
      backend: route.backend,
      conversationId: record.id,
      requestId: record.id,
      host: context.host,
    });
    headers.set("accept", "application/json");
    let response: Response;
    try {
      response = await fetchWithTimeout(context.fetch, url, { method: "POST", headers, body }, {
        signal: request.signal,
        timeoutMs: route.backend.timeout * 1000,
      });
    } catch (err) {
      if (err instanceof ProxyError) throw err;
      const delay = policy.delayBeforeRetry({ kind: "network" }, attempt);
      if (delay !== undefined && !request.signal.aborted) {
        await sleep(delay, request.signal);
        continue;
      }
      throw new ProxyError(502, `Cannot reach the Codex backend: ${(err as Error).message}`, {
        code: "upstream_unreachable",
        type: "upstream_error",
      });
    }
    const quotaHeaders = await recordQuota(
      context.quota,
      credentials.accountId,
      response.headers,
      context.now(),
    );
    record.quota = quotaHeaders;
    const text = await response.text();
    if (response.ok && !isHtmlAnswer(response.headers.get("content-type"), text)) {
      const answer = renderImages(text, parsed.responseFormat);
      record.usage = answer.usage;
      return Response.json(answer.body, {
        headers: { ...quotaHeaders, "x-request-id": record.id },
      });
    }
    const isHtml = isHtmlAnswer(response.headers.get("content-type"), text);
    if ((response.status === 401 || response.status === 403) && !recovered && !isHtml) {
      recovered = true;
      credentials = await context.credentials.recover(
        route.backend.name,
        credentials,
        request.signal,
      );
      continue;
    }
    const error = mapUpstreamHttpError(response.status, text, response.headers);
    const delay = policy.delayBeforeRetry({
      kind: "status",
      status: response.status,
      code: error.code,
      retryAfter: response.headers.get("retry-after"),
    }, attempt);
    if (delay !== undefined) {
      await sleep(delay, request.signal);
      continue;
    }
    throw new ProxyError(error.status, error.message, {
      code: error.code,
      type: error.type,
      param: error.param,
      headers: { ...quotaHeaders, ...error.headers },
    });
  }
}

/** The backend's answer in OpenAI's shape; `url` answers get data URLs. */
function renderImages(
  text: string,
  format: "b64_json" | "url",
): { body: Record<string, unknown>; usage?: RequestRecord["usage"] } {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProxyError(502, "The Codex backend's images answer is not JSON", {
      code: "upstream_error",
      type: "upstream_error",
    });
  }
  const data = Array.isArray(parsed.data) ? parsed.data as ImageDatum[] : [];
  const outputFormat = typeof parsed.output_format === "string" ? parsed.output_format : "png";
  const images = data.map((d) =>
    format === "url" && d.b64_json
      ? { url: `data:image/${outputFormat};base64,${d.b64_json}`, revised_prompt: d.revised_prompt }
      : d
  );
  const body: Record<string, unknown> = {
    ...parsed,
    created: typeof parsed.created === "number" ? parsed.created : Math.floor(Date.now() / 1000),
    data: images,
  };
  const usage = parsed.usage && typeof parsed.usage === "object"
    ? parsed.usage as RequestRecord["usage"]
    : undefined;
  return { body, usage };
}
