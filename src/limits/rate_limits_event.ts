/**
 * The `codex.rate_limits` event the backend may put in a stream: the same
 * figures as the headers, fresher (after the request counted). codexgate
 * records it for the account; only a Codex CLI in passthrough sees the event
 * itself (docs/limits-and-usage.md#where-the-figures-come-from).
 *
 * @module
 */
import type { UpstreamEvent } from "../upstream/events.ts";
import { compact, type QuotaSnapshot } from "../upstream/quota_headers.ts";
import { asObject, readCredits, readWindow, str } from "./limit_json.ts";

/** The event's type. */
export const RATE_LIMITS_EVENT = "codex.rate_limits";

/** The event's figures as a snapshot (without raw headers); undefined when it has none. */
export function parseRateLimitsEvent(
  event: UpstreamEvent,
  now: number,
): QuotaSnapshot | undefined {
  if (event.type !== RATE_LIMITS_EVENT) return undefined;
  const e = event as unknown as Record<string, unknown>;
  const limits = asObject(e.rate_limits) ?? {};
  const primary = readWindow(limits.primary ?? limits.primary_window, now);
  const secondary = readWindow(limits.secondary ?? limits.secondary_window, now);
  const limitId = str(e.metered_limit_name) ?? str(e.limit_id) ?? "codex";
  const isMain = limitId === "codex";
  const reached = typeof limits.limit_reached === "boolean" ? limits.limit_reached : undefined;
  const snapshot = compact<QuotaSnapshot>({
    plan_type: str(e.plan_type),
    primary: isMain ? primary : undefined,
    secondary: isMain ? secondary : undefined,
    additional: isMain || (!primary && !secondary)
      ? undefined
      : [compact({ id: limitId, name: str(e.limit_name), primary, secondary })],
    credits: readCredits(e.credits),
    limit_reached: reached,
    source: "stream",
    updated_at: new Date(now).toISOString(),
    headers: {},
  });
  const figures = Object.keys(snapshot).filter((k) =>
    !["source", "updated_at", "headers"].includes(k)
  );
  return figures.length ? snapshot : undefined;
}
