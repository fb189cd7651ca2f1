/**
 * The plan's figures from every source: each header family, the stream's
 * `codex.rate_limits` event and the `wham/usage` document; merged per account;
 * and written back in the document shape the Codex CLI decodes.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { parseQuota, pickQuotaHeaders } from "../../src/upstream/quota_headers.ts";
import { parseRateLimitsEvent } from "../../src/limits/rate_limits_event.ts";
import { parseWhamUsage, renderWhamUsage } from "../../src/limits/wham_usage.ts";
import { mergeQuota } from "../../src/state/quota_store.ts";
import { coolingUntil } from "../../src/limits/account_overview.ts";

const NOW = Date.parse("2026-12-01T10:00:00Z");
const IN_1H = Math.floor(NOW / 1000) + 3600;

Deno.test("quota headers: every family, both reset forms, plan, credits, active limit", () => {
  const headers = new Headers({
    "x-codex-primary-used-percent": "42.5",
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-at": String(IN_1H),
    "x-codex-secondary-used-percent": "7",
    "x-codex-secondary-window-minutes": "10080",
    "x-codex-secondary-reset-after-seconds": "86400",
    "x-codex-plan-type": "pro",
    "x-codex-credits-has-credits": "true",
    "x-codex-credits-unlimited": "false",
    "x-codex-credits-balance": "12.50",
    "x-codex-active-limit": "codex",
    "x-codex-promo-message": "hello",
    "x-gpt-5.5-codex-primary-used-percent": "88",
    "x-gpt-5.5-codex-primary-window-minutes": "300",
    "x-gpt-5.5-codex-limit-name": "GPT-5.5",
    "content-type": "text/event-stream",
  });
  const picked = pickQuotaHeaders(headers);
  assertEquals(picked["content-type"], undefined);
  const q = parseQuota(picked, NOW)!;
  assertEquals(q.plan_type, "pro");
  assertEquals(q.primary, {
    used_percent: 42.5,
    window_minutes: 300,
    resets_at: new Date(IN_1H * 1000).toISOString(),
  });
  assertEquals(q.secondary?.used_percent, 7);
  assertEquals(q.secondary?.reset_after_seconds, 86400);
  assertEquals(q.secondary?.resets_at, new Date(NOW + 86400_000).toISOString());
  assertEquals(q.credits, { has_credits: true, unlimited: false, balance: "12.50" });
  assertEquals(q.active_limit, "codex");
  assertEquals(q.promo_message, "hello");
  assertEquals(q.additional, [{
    id: "gpt-5.5-codex",
    name: "GPT-5.5",
    primary: { used_percent: 88, window_minutes: 300 },
  }]);
  assertEquals(q.limit_reached, false);
});

Deno.test("quota headers: a reached limit says which", () => {
  const q = parseQuota({
    "x-codex-primary-used-percent": "100",
    "x-codex-rate-limit-reached-type": "primary",
  }, NOW)!;
  assertEquals(q.limit_reached, true);
  assertEquals(q.limit_reached_type, "primary");
});

Deno.test("codex.rate_limits event: main limit, credits; a metered limit becomes a family", () => {
  const main = parseRateLimitsEvent({
    type: "codex.rate_limits",
    plan_type: "plus",
    rate_limits: {
      primary: { used_percent: 12, window_minutes: 300, reset_at: IN_1H },
      secondary: { used_percent: 3, window_minutes: 10080, reset_after_seconds: 600 },
    },
    credits: { has_credits: false, unlimited: false, balance: "0" },
  } as never, NOW)!;
  assertEquals(main.source, "stream");
  assertEquals(main.plan_type, "plus");
  assertEquals(main.primary?.used_percent, 12);
  assertEquals(main.primary?.resets_at, new Date(IN_1H * 1000).toISOString());
  assertEquals(main.secondary?.resets_at, new Date(NOW + 600_000).toISOString());
  assertEquals(main.credits?.has_credits, false);

  const metered = parseRateLimitsEvent({
    type: "codex.rate_limits",
    metered_limit_name: "codex_bengalfox",
    rate_limits: { primary: { used_percent: 50, window_minutes: 300 } },
  } as never, NOW)!;
  assertEquals(metered.primary, undefined);
  assertEquals(metered.additional?.[0].id, "codex_bengalfox");
  assertEquals(metered.additional?.[0].primary?.used_percent, 50);
  assertEquals(parseRateLimitsEvent({ type: "response.created" }, NOW), undefined);
});

const WHAM = {
  plan_type: "plus",
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: {
      used_percent: 31,
      limit_window_seconds: 18000,
      reset_after_seconds: 3600,
      reset_at: IN_1H,
    },
    secondary_window: {
      used_percent: 64,
      limit_window_seconds: 604800,
      reset_after_seconds: 200000,
      reset_at: IN_1H + 196400,
    },
  },
  additional_rate_limits: [{
    limit_name: "GPT-5.5",
    metered_feature: "gpt55",
    rate_limit: {
      allowed: true,
      limit_reached: false,
      primary_window: {
        used_percent: 5,
        limit_window_seconds: 18000,
        reset_after_seconds: 3600,
        reset_at: IN_1H,
      },
    },
  }],
  credits: { has_credits: true, unlimited: false, balance: "3.20" },
};

Deno.test("wham/usage: read into figures and written back in the same shape", () => {
  const q = parseWhamUsage(WHAM, NOW)!;
  assertEquals(q.source, "poll");
  assertEquals(q.primary, {
    used_percent: 31,
    window_minutes: 300,
    reset_after_seconds: 3600,
    resets_at: new Date(IN_1H * 1000).toISOString(),
  });
  assertEquals(q.secondary?.window_minutes, 10080);
  assertEquals(q.additional?.[0].id, "gpt55");
  const back = renderWhamUsage(q, undefined, NOW);
  assertEquals(back.plan_type, "plus");
  assertEquals(back.rate_limit, WHAM.rate_limit);
  assertEquals(back.credits, WHAM.credits);
  const extra = (back.additional_rate_limits as Record<string, unknown>[])[0];
  assertEquals(extra.limit_name, "GPT-5.5");
  assertEquals(extra.metered_feature, "gpt55");
  assertEquals(parseWhamUsage("nope", NOW), undefined);
});

Deno.test("wham/usage for the CLI: whole numbers, every required field, plan from sign-in", () => {
  const q = parseQuota({
    "x-codex-primary-used-percent": "12.6",
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-after-seconds": "100",
  }, NOW)!;
  const doc = renderWhamUsage(q, "team", NOW) as {
    plan_type: string;
    rate_limit: Record<string, unknown> & { primary_window: Record<string, number> };
    credits: unknown;
  };
  assertEquals(doc.plan_type, "team");
  assertEquals(doc.rate_limit.allowed, true);
  assertEquals(doc.rate_limit.limit_reached, false);
  assertEquals(doc.rate_limit.primary_window, {
    used_percent: 13,
    limit_window_seconds: 18000,
    reset_after_seconds: 100,
    reset_at: Math.floor(NOW / 1000) + 100,
  });
  assertEquals(doc.rate_limit.secondary_window, null);
  for (const v of Object.values(doc.rate_limit.primary_window)) assert(Number.isInteger(v));
  assertEquals(doc.credits, null);
  // Nothing known yet: still a document the CLI can decode.
  const empty = renderWhamUsage(undefined, "plus", NOW);
  assertEquals(empty.rate_limit, null);
  assertEquals(empty.plan_type, "plus");
});

Deno.test("figures merge: a newer source wins where it speaks, older figures stay", () => {
  const polled = parseWhamUsage(WHAM, NOW)!;
  const headers = parseQuota({ "x-codex-primary-used-percent": "40" }, NOW + 1000)!;
  const merged = mergeQuota(polled, headers);
  assertEquals(merged.primary?.used_percent, 40);
  assertEquals(merged.primary?.window_minutes, 300);
  assertEquals(merged.secondary?.used_percent, 64);
  assertEquals(merged.credits?.balance, "3.20");
  assertEquals(merged.additional?.[0].id, "gpt55");
  assertEquals(merged.source, "headers");
  assertEquals(merged.updated_at, new Date(NOW + 1000).toISOString());
});

Deno.test("cooling: until the reached window resets, not the other one; over once it reset", () => {
  const q = parseQuota({
    "x-codex-primary-used-percent": "100",
    "x-codex-primary-reset-at": String(IN_1H),
    "x-codex-secondary-used-percent": "60",
    "x-codex-secondary-reset-at": String(IN_1H + 86400),
    "x-codex-rate-limit-reached-type": "primary",
  }, NOW)!;
  assertEquals(coolingUntil(q, NOW), new Date(IN_1H * 1000).toISOString());
  assertEquals(coolingUntil(q, IN_1H * 1000 + 1), undefined);
  // A later answer that names no reached limit ends it.
  const later = mergeQuota(q, parseQuota({ "x-codex-primary-used-percent": "3" }, NOW + 1)!);
  assertEquals(coolingUntil(later, NOW + 2), undefined);
});
