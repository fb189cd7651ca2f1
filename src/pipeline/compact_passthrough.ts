/**
 * `POST /v1/responses/compact`: the older form of the Codex CLI's compaction
 * (docs/websocket-and-compaction.md#compaction). The client's body goes to
 * the backend's `{base}/responses/compact` as it is, with only the model
 * routed to the backend's slug and codexgate's credentials; the answer (one
 * JSON object whose `output` replaces the history) comes back as it is.
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import { whileConnected } from "../http/client_gone.ts";
import type { CatalogService } from "../models/catalog_service.ts";
import { resolveModel } from "../models/resolve_model.ts";
import { type HostInfo, upstreamHeaders } from "../upstream/headers.ts";
import { mapUpstreamHttpError } from "../upstream/map_upstream_error.ts";

/** What the passthrough needs from the app. */
export interface CompactPassthroughContext {
  config: ResolvedConfig;
  catalogs: ReadonlyMap<string, CatalogService>;
  credentials: CredentialService;
  fetch: typeof fetch;
  host: HostInfo;
  requestId: string;
  /** Reads the JSON body within the server's bounds (size, depth, deadlines). */
  readJson: () => Promise<Record<string, unknown>>;
}

/**
 * Forwards one compact request and returns the backend's JSON answer.
 *
 * @throws {ProxyError} 400 without `model`/`input`; the backend's failure, mapped.
 */
export async function compactPassthrough(
  request: Request,
  context: CompactPassthroughContext,
): Promise<Record<string, unknown>> {
  const { config, requestId } = context;
  const body = await context.readJson();
  if (typeof body.model !== "string" || body.model === "") {
    throw new ProxyError(400, "Missing required parameter: 'model'.", {
      code: "missing_required_parameter",
      param: "model",
      type: "invalid_request_error",
    });
  }
  if (!Array.isArray(body.input)) {
    throw new ProxyError(400, "Invalid type for 'input': expected an array of items.", {
      code: "invalid_type",
      param: "input",
      type: "invalid_request_error",
    });
  }
  const model = await whileConnected(
    resolveModel(body.model, config, context.catalogs),
    request.signal,
  );
  const credentials = await context.credentials.get(model.backend.name, request.signal);
  const headers = upstreamHeaders(credentials, {
    backend: model.backend,
    conversationId: request.headers.get("session-id") ?? request.headers.get("session_id") ??
      requestId,
    requestId,
    host: context.host,
  });
  headers.set("accept", "application/json");
  let response: Response;
  try {
    response = await context.fetch(`${model.backend.base_url}/responses/compact`, {
      method: "POST",
      headers,
      body: JSON.stringify({ ...body, model: model.slug }),
      signal: request.signal,
    });
  } catch (err) {
    throw new ProxyError(502, `Cannot reach the Codex backend: ${(err as Error).message}`, {
      code: "upstream_unreachable",
      type: "upstream_error",
      cause: err,
    });
  }
  const text = await response.text();
  if (!response.ok) throw mapUpstreamHttpError(response.status, text, response.headers);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ProxyError(502, "The Codex backend's compact answer is not JSON", {
      code: "upstream_invalid_answer",
      type: "upstream_error",
    });
  }
}
