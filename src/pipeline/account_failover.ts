/**
 * Stages 4 and 5 for a backend with several accounts (docs/accounts.md): runs
 * {@link forward} and the wait for the first event on the chosen account and,
 * when that account cannot serve before anything reached the client (usage
 * limit, overload, 5xx, a failure inside a 200 before any output, a sign-in
 * that can no longer be refreshed), reports it to the credential service and
 * sends the same request to another account. A conversation that moves loses
 * what only its old account can read (strip_account_bound.ts). With a single
 * sign-in it is exactly `forward`.
 *
 * @module
 */
import type { AccountOutcome } from "../auth/account_outcome.ts";
import type { Credentials } from "../auth/credentials.ts";
import { ProxyError } from "../errors.ts";
import { stripAccountBound } from "../translate/strip_account_bound.ts";
import { parseQuota } from "../upstream/quota_headers.ts";
import { RetryPolicy } from "../upstream/retry_policy.ts";
import type { UpstreamRequest } from "../upstream/upstream_request.ts";
import { forward, type ForwardContext, type UpstreamAnswer } from "./forward.ts";

/**
 * Runs `attempt` (forward, and possibly the wait for the first event) on the
 * account `resolveAuth` chose; when it fails before anything reached the
 * client in a way another account can help with, reports the account and
 * runs it again on another one, with the request made valid for it.
 *
 * @throws {ProxyError} the last account's error, or 429 with the earliest reset when every account is limited.
 */
export async function runOnAccounts<T>(
  request: UpstreamRequest,
  context: ForwardContext,
  attempt: (request: UpstreamRequest, context: ForwardContext) => Promise<T>,
): Promise<T> {
  const service = context.credentialService;
  const backend = context.backend.name;
  const now = context.now ?? Date.now;
  const poolSize = service.poolSize?.(backend) ?? 1;
  let credentials = context.credentials;
  let current = credentials.movedFrom ? moved(request, credentials, context) : request;
  const tried = new Set<string>();
  for (;;) {
    const account = credentials.account;
    // Another account can serve: move now instead of backing off on this one.
    const othersLeft = account !== undefined && tried.size < poolSize - 1;
    try {
      return await attempt(current, {
        ...context,
        credentials,
        retry: othersLeft ? new RetryPolicy({ maxRetries: 0 }) : context.retry,
      });
    } catch (err) {
      const outcome = account === undefined ? undefined : failoverOutcome(err, now());
      if (account === undefined || outcome === undefined) throw err;
      await service.report?.(backend, account, outcome);
      tried.add(account);
      let next: Credentials;
      try {
        next = await service.get(backend, context.signal, {
          conversation: context.conversation ?? request.conversationId,
          exclude: tried,
        });
      } catch (poolError) {
        // Every account limited: the pool's 429 names the earliest reset.
        if (
          outcome.kind === "usage_limit" && poolError instanceof ProxyError &&
          poolError.code === "usage_limit_reached"
        ) throw poolError;
        throw err;
      }
      context.logger.info("moving the request to another account", {
        requestId: request.requestId,
        backend,
        from: account,
        to: next.account,
        reason: outcome.kind,
      });
      credentials = next;
      current = moved(request, { ...next, movedFrom: account }, context);
    }
  }
}

/** {@link forward}, telling a pooled credential service the answering account's usage figures. */
export async function forwardOnAccount(
  request: UpstreamRequest,
  context: ForwardContext,
): Promise<UpstreamAnswer> {
  const answer = await forward(request, context);
  const account = answer.credentials.account;
  if (account !== undefined) {
    await context.credentialService.report?.(context.backend.name, account, {
      kind: "answered",
      quota: parseQuota(answer.quotaHeaders, (context.now ?? Date.now)()),
    });
  }
  return answer;
}

/** Forward alone, moving between the accounts of a pool (see {@link runOnAccounts}). */
export function forwardWithFailover(
  request: UpstreamRequest,
  context: ForwardContext,
): Promise<UpstreamAnswer> {
  return runOnAccounts(request, context, forwardOnAccount);
}

/** Codes of failures that another account may not have (overload, 5xx, a cut before any event). */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "upstream_error",
  "upstream_unavailable",
  "upstream_unreachable",
  "upstream_stream_error",
  "upstream_empty_stream",
  "server_is_overloaded",
  "slow_down",
  "rate_limit_exceeded",
]);

/** What an error before the first byte says about the account, or undefined when moving cannot help. */
export function failoverOutcome(err: unknown, now: number): AccountOutcome | undefined {
  if (!(err instanceof ProxyError)) return undefined;
  if (err.code === "usage_limit_reached") {
    const seconds = Number(err.headers["retry-after"]);
    return {
      kind: "usage_limit",
      resetsAt: Number.isFinite(seconds) && seconds > 0 ? now + seconds * 1000 : undefined,
    };
  }
  if (err.status === 401 && err.code === "invalid_api_key") {
    return { kind: "sign_in_failed", reason: err.message };
  }
  if (err.code === null || TRANSIENT_CODES.has(err.code)) {
    if (err.status >= 500 || err.status === 429) {
      return { kind: "unavailable", reason: err.code ?? `HTTP ${err.status}` };
    }
  }
  return undefined;
}

/** The request as another account can take it: without what only the old one can read. */
function moved(
  request: UpstreamRequest,
  credentials: Credentials,
  context: ForwardContext,
): UpstreamRequest {
  const { input, dropped } = stripAccountBound(request.body.input);
  if (dropped > 0) {
    context.logger.info("conversation moved accounts; dropped what the old one alone can read", {
      requestId: request.requestId,
      from: credentials.movedFrom,
      to: credentials.account,
      dropped,
    });
  }
  return dropped > 0 ? { ...request, body: { ...request.body, input } } : request;
}
