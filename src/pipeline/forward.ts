/**
 * Stage 4 of 5: sends the request to the backend and hands back its event
 * stream once the answer is known to be good. Recovers once from a rejected
 * token (re-read / refresh, docs/backend-protocol.md#when-codexgate-refreshes),
 * retries transient failures before the
 * first byte (retry_policy.ts) — failures inside a 200 before its first
 * output included (peek_first_output.ts) — bounds the wait for headers with the
 * backend's `timeout`, records the plan's quota headers, retries once without
 * reasoning items the backend cannot decrypt
 * (docs/backend-protocol.md#reasoning-replay), and maps failures
 * to client errors.
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { Credentials } from "../auth/credentials.ts";
import type { ResolvedBackend } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { fetchWithTimeout } from "../upstream/fetch_with_timeout.ts";
import { isHtmlAnswer } from "../upstream/html_answer.ts";
import { type HostInfo, upstreamHeaders } from "../upstream/headers.ts";
import { mapUpstreamHttpError } from "../upstream/map_upstream_error.ts";
import { type QuotaStore, recordQuota } from "../state/quota_store.ts";
import { readErrorBody } from "../upstream/read_error_body.ts";
import { TURN_STATE_HEADER, type TurnStateStore } from "../state/turn_state_store.ts";
import { type AttemptFailure, RetryPolicy, sleep } from "../upstream/retry_policy.ts";
import type { UpstreamRequest } from "../upstream/upstream_request.ts";
import { peekFirstOutput } from "../upstream/peek_first_output.ts";

/** What `forward` needs. */
export interface ForwardContext {
  backend: ResolvedBackend;
  /** The credentials `resolveAuth` chose for this request. */
  credentials: Credentials;
  /** The conversation the account was chosen for (a move picks the next for it too). */
  conversation?: string;
  /** Asked for new credentials when the backend refuses these. */
  credentialService: CredentialService;
  fetch: typeof fetch;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  host: HostInfo;
  logger: Logger;
  /** Bound on the wait for the answer's headers, milliseconds (default: backend `timeout`). */
  timeoutMs?: number;
  /** Default: backend `max_retries` with the policy's standard backoff. */
  retry?: RetryPolicy;
  /** Injectable for tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where the plan's `x-codex-*` usage figures are kept. */
  quota?: QuotaStore;
  /** Epoch milliseconds (when the usage figures arrived). */
  now?: () => number;
  /** Told of each retry (the metrics count them). */
  onRetry?: () => void;
  /** Where the conversation's `x-codex-turn-state` is kept between its requests. */
  turnState?: TurnStateStore;
}

/** A good upstream answer, not yet read. */
export interface UpstreamAnswer {
  response: Response;
  /** The credentials that succeeded (may differ from the initial ones after a refresh). */
  credentials: Credentials;
  /** The plan's `x-codex-*` usage headers, to pass on to the client. */
  quotaHeaders: Record<string, string>;
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
  let body = JSON.stringify(request.body);
  let reasoningDropped = false;
  let credentials = context.credentials;
  const timeoutMs = context.timeoutMs ?? context.backend.timeout * 1000;
  const policy = context.retry ?? new RetryPolicy({ maxRetries: context.backend.max_retries });
  const wait = context.sleep ?? sleep;
  const now = context.now ?? Date.now;
  let authAttempt = 0;
  let attempts = 0;
  const turnState = await context.turnState?.get(request.conversationId);
  // Waits before the next attempt when the policy allows one; false: give up.
  const mayRetry = async (failure: AttemptFailure, reason: string): Promise<boolean> => {
    const delay = policy.delayBeforeRetry(failure, attempts);
    if (delay === undefined) return false;
    context.onRetry?.();
    context.logger.info("retrying the Codex backend", {
      requestId: request.requestId,
      backend: context.backend.name,
      reason,
      attempt: attempts + 1,
      delay_ms: delay,
    });
    try {
      await wait(delay, context.signal);
    } catch {
      throw abortedError(context.signal);
    }
    return true;
  };
  for (;;) {
    attempts++;
    const headers = upstreamHeaders(credentials, {
      backend: context.backend,
      conversationId: request.conversationId,
      requestId: request.requestId,
      host: context.host,
      turnState,
      responsesLite: request.responsesLite,
    });
    let response: Response;
    try {
      response = await fetchWithTimeout(context.fetch, url, { method: "POST", headers, body }, {
        signal: context.signal,
        timeoutMs,
      });
    } catch (err) {
      if (context.signal.aborted) throw abortedError(context.signal);
      if (err instanceof ProxyError) throw err;
      if (await mayRetry({ kind: "network" }, (err as Error).message)) continue;
      throw new ProxyError(
        502,
        `Cannot reach the Codex backend: ${(err as Error).message}${gaveUp(attempts)}`,
        {
          code: "upstream_unreachable",
          type: "upstream_error",
          cause: err,
        },
      );
    }
    const quotaHeaders = context.quota
      ? await recordQuota(context.quota, credentials.accountId, response.headers, now())
      : {};
    if (response.ok) {
      const nextTurnState = response.headers.get(TURN_STATE_HEADER);
      if (nextTurnState && context.turnState) {
        await context.turnState.set(request.conversationId, nextTurnState);
      }
      // A stream that fails before its first output is a 503 in a 200's clothes: retried the same.
      const peeked = await peekFirstOutput(response, timeoutMs);
      if (peeked.kind === "output") {
        return { response: peeked.response, credentials, quotaHeaders };
      }
      if (await mayRetry(peeked.attempt, `in-stream ${peeked.error.code ?? "error"}`)) continue;
      throw withDetails(peeked.error, quotaHeaders, gaveUp(attempts));
    }
    // Bounded like the wait for the headers: an error body that never ends must not hang us.
    const text = await readErrorBody(response, { timeoutMs, signal: context.signal });
    if (
      (response.status === 401 || response.status === 403) && authAttempt === 0 &&
      !isHtmlAnswer(response.headers.get("content-type"), text)
    ) {
      authAttempt++;
      context.logger.info("backend refused the token; re-reading credentials", {
        status: response.status,
        backend: context.backend.name,
      });
      credentials = await context.credentialService.recover(
        context.backend.name,
        credentials,
        context.signal,
      );
      continue;
    }
    const error = mapUpstreamHttpError(response.status, text, response.headers);
    if (error.code === "invalid_encrypted_content" && !reasoningDropped) {
      // Reasoning from another account (after a switch) cannot be decrypted: retry once without it.
      reasoningDropped = true;
      const input = request.body.input.filter((item) => item.type !== "reasoning");
      if (input.length < request.body.input.length) {
        context.logger.info("backend refused replayed reasoning; retrying without it", {
          requestId: request.requestId,
          dropped: request.body.input.length - input.length,
        });
        body = JSON.stringify({ ...request.body, input });
        continue;
      }
    }
    const failure: AttemptFailure = {
      kind: "status",
      status: response.status,
      code: error.code,
      retryAfter: response.headers.get("retry-after"),
    };
    if (await mayRetry(failure, `HTTP ${response.status}`)) continue;
    throw withDetails(error, quotaHeaders, gaveUp(attempts));
  }
}

function gaveUp(attempts: number): string {
  return attempts > 1 ? ` (gave up after ${attempts} attempts)` : "";
}

/** The same error with the quota headers and an attempts note added. */
function withDetails(
  error: ProxyError,
  quotaHeaders: Record<string, string>,
  note: string,
): ProxyError {
  return new ProxyError(error.status, error.message + note, {
    code: error.code,
    type: error.type,
    param: error.param,
    headers: { ...quotaHeaders, ...error.headers },
    cause: error.cause,
  });
}

function abortedError(signal: AbortSignal): ProxyError {
  const reason = signal.reason;
  if (reason instanceof ProxyError) return reason;
  return new ProxyError(499, "The client closed the request", { code: "client_closed_request" });
}
