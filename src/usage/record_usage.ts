/**
 * Feeds the usage history from the app's finished requests: every
 * completion (a request a client wire answered), with its tokens, status and
 * latency; never a key or a body.
 *
 * @module
 */
import type { FinishedRequest } from "../http/request_events.ts";
import type { UsageRecord } from "../state/usage_store.ts";

/** The history's row for a finished request; undefined for what is not a completion. */
export function usageRecord(r: FinishedRequest): UsageRecord | undefined {
  if (!r.dialect) return undefined;
  return {
    time: r.time,
    id: r.id,
    model: r.model,
    dialect: r.dialect,
    backend: r.backend,
    account: r.account ?? r.backend,
    client: r.client,
    status: r.status,
    errorCode: r.errorCode,
    latencyMs: r.durationMs,
    ttfbMs: r.ttfbMs,
    inputTokens: r.tokens?.input ?? 0,
    cachedTokens: r.tokens?.cached ?? 0,
    outputTokens: r.tokens?.output ?? 0,
    reasoningTokens: r.tokens?.reasoning ?? 0,
  };
}
