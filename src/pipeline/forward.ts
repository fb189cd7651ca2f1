/**
 * Stage 4 of 5: sends the request to the backend and hands back its event
 * stream once the answer is known to be good. Recovers once from a rejected
 * token (re-read / refresh, spec §2) and maps failures to client errors.
 *
 * @module
 */
import type { Credentials, CredentialSource } from "../auth/credentials.ts";
import type { ResolvedBackend } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { type HostInfo, upstreamHeaders } from "../upstream/headers.ts";
import { mapUpstreamHttpError } from "../upstream/map_upstream_error.ts";
import type { UpstreamRequest } from "../upstream/upstream_request.ts";

/** What `forward` needs. */
export interface ForwardContext {
  backend: ResolvedBackend;
  credentials: CredentialSource;
  /** Credentials `resolveAuth` chose for this request. */
  initial: Credentials;
  fetch: typeof fetch;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  host: HostInfo;
  logger: Logger;
}

/** A good upstream answer, not yet read. */
export interface UpstreamAnswer {
  response: Response;
  /** The credentials that succeeded (may differ from the initial ones after a refresh). */
  credentials: Credentials;
}

/**
 * Posts the body and returns the streaming answer.
 *
 * @throws {ProxyError} with the status the client should get.
 */
export async function forward(
  request: UpstreamRequest,
  context: ForwardContext,
): Promise<UpstreamAnswer> {
  const url = `${context.backend.base_url}/responses`;
  const body = JSON.stringify(request.body);
  let credentials = context.initial;
  for (let authAttempt = 0;; authAttempt++) {
    const headers = upstreamHeaders(credentials, {
      backend: context.backend,
      conversationId: request.conversationId,
      requestId: request.requestId,
      host: context.host,
    });
    let response: Response;
    try {
      response = await context.fetch(url, {
        method: "POST",
        headers,
        body,
        signal: context.signal,
      });
    } catch (err) {
      if (context.signal.aborted) throw abortedError(context.signal);
      throw new ProxyError(502, `Cannot reach the Codex backend: ${(err as Error).message}`, {
        code: "upstream_unreachable",
        type: "upstream_error",
        cause: err,
      });
    }
    if (response.ok) return { response, credentials };
    const text = await response.text().catch(() => "");
    if (
      (response.status === 401 || response.status === 403) && authAttempt === 0 &&
      !isHtml(response, text)
    ) {
      context.logger.info("backend refused the token; re-reading credentials", {
        status: response.status,
        backend: context.backend.name,
      });
      credentials = await context.credentials.recover(credentials, context.signal);
      continue;
    }
    throw mapUpstreamHttpError(response.status, text, response.headers);
  }
}

function isHtml(response: Response, text: string): boolean {
  return (response.headers.get("content-type") ?? "").includes("text/html") ||
    /^\s*<(!doctype|html)/i.test(text);
}

function abortedError(signal: AbortSignal): ProxyError {
  const reason = signal.reason;
  if (reason instanceof ProxyError) return reason;
  return new ProxyError(499, "The client closed the request", { code: "client_closed_request" });
}
