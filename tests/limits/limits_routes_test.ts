/**
 * Limits you can see, in-process: the Codex CLI's usage routes (under any
 * base path) answer the backend's document for the account the next request
 * would use, known from the poll before the first request and from answers
 * after; the stream's `codex.rate_limits` event is recorded, kept for a
 * passthrough Responses client and dropped for others; `/status` lists the
 * accounts with plan, limits, state and last error and no token.
 */
import { assert, assertEquals } from "../support/assert.ts";
import {
  IN_PROCESS_CREDENTIALS,
  inProcessApp,
  type InProcessOptions,
  sseData,
} from "../support/in_process.ts";
import { ScriptBuilder } from "../support/fake_script.ts";

const NOW_S = Math.floor(Date.now() / 1000);

const WHAM = {
  plan_type: "pro",
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: {
      used_percent: 21,
      limit_window_seconds: 18000,
      reset_after_seconds: 1800,
      reset_at: NOW_S + 1800,
    },
    secondary_window: {
      used_percent: 55,
      limit_window_seconds: 604800,
      reset_after_seconds: 90000,
      reset_at: NOW_S + 90000,
    },
  },
  credits: { has_credits: false, unlimited: false, balance: "0" },
};

function app(options: Pick<InProcessOptions, "reply"> = {}) {
  const polls: Request[] = [];
  const a = inProcessApp({
    ...options,
    other: (request) => {
      if (!new URL(request.url).pathname.endsWith("/wham/usage")) return undefined;
      polls.push(request);
      return Response.json(WHAM);
    },
  });
  const get = (path: string) => a.handler(new Request(`http://codexgate.test${path}`));
  return { ...a, polls, get };
}

for (
  const path of [
    "/backend-api/wham/usage",
    "/api/codex/usage",
    "/some/base/backend-api/wham/usage",
    "/v1/api/codex/usage",
  ]
) {
  Deno.test(`codex usage route ${path}: the backend's document before any request (polled)`, async () => {
    const a = app();
    const res = await a.get(path);
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("x-codexgate-account"), "openai_codex");
    const body = await res.json();
    assertEquals(body.plan_type, "pro");
    assertEquals(body.rate_limit.primary_window.used_percent, 21);
    assertEquals(body.rate_limit.secondary_window.limit_window_seconds, 604800);
    assertEquals(body.credits, WHAM.credits);
    assertEquals(a.polls.length, 1);
    assertEquals(a.polls[0].headers.get("chatgpt-account-id"), IN_PROCESS_CREDENTIALS.accountId);
    // Asked again at once: served from what is known, no second poll.
    await (await a.get(path)).json();
    assertEquals(a.polls.length, 1);
  });
}

Deno.test("codex usage route: answers' headers update the figures it shows", async () => {
  const a = app({
    reply: () =>
      new Response(
        new ScriptBuilder().text("hi").completed().map((e) =>
          `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`
        ).join(""),
        {
          headers: {
            "content-type": "text/event-stream",
            "x-codex-primary-used-percent": "77",
            "x-codex-primary-window-minutes": "300",
            "x-codex-primary-reset-at": String(NOW_S + 600),
          },
        },
      ),
  });
  await (await a.get("/api/codex/usage")).json();
  const chat = await a.post("/v1/chat/completions", {
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(chat.headers.get("x-codex-primary-used-percent"), "77");
  await chat.json();
  const body = await (await a.get("/backend-api/wham/usage")).json();
  assertEquals(body.rate_limit.primary_window.used_percent, 77);
  assertEquals(body.rate_limit.primary_window.reset_at, NOW_S + 600);
  // What the answer did not say (the weekly window from the poll) is kept.
  assertEquals(body.rate_limit.secondary_window.used_percent, 55);
});

function withRateLimitsEvent() {
  const events = new ScriptBuilder().text("hi").completed();
  events.splice(events.length - 1, 0, {
    type: "codex.rate_limits",
    plan_type: "plus",
    rate_limits: {
      primary: { used_percent: 93, window_minutes: 300, reset_at: NOW_S + 120 },
    },
    credits: { has_credits: true, unlimited: false, balance: "9.00" },
  });
  return events;
}

Deno.test("codex.rate_limits event: recorded for the account, dropped for a chat client", async () => {
  const a = app({ reply: () => withRateLimitsEvent() });
  const res = await a.post("/v1/chat/completions", {
    model: "gpt-5.4",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  });
  const text = await res.text();
  assert(!text.includes("rate_limits"), text);
  const body = await (await a.get("/api/codex/usage")).json();
  assertEquals(body.rate_limit.primary_window.used_percent, 93);
  assertEquals(body.credits.balance, "9.00");
});

Deno.test("codex.rate_limits event: a passthrough Responses client (the Codex CLI) keeps it", async () => {
  const a = app({ reply: () => withRateLimitsEvent() });
  const res = await a.post("/v1/responses", {
    model: "gpt-5.4",
    stream: true,
    input: "hi",
    codex_capabilities: { codex_passthrough: true },
  });
  const events = sseData(await res.text()) as Record<string, unknown>[];
  assert(events.some((e) => e.type === "codex.rate_limits"));
});

Deno.test("/status: accounts with plan, limits and reset times, state, no token", async () => {
  const a = app();
  const res = await a.get("/status");
  const text = await res.text();
  assert(!text.includes(IN_PROCESS_CREDENTIALS.accessToken));
  const status = JSON.parse(text);
  assertEquals(status.status, "ok");
  assert(status.backends.openai_codex, "existing fields are kept");
  assertEquals(status.accounts.length, 1);
  const [acct] = status.accounts;
  assertEquals(acct.backend, "openai_codex");
  assertEquals(acct.name, "openai_codex");
  assertEquals(acct.state, "ready");
  assertEquals(acct.plan, "pro");
  assert(!text.includes(IN_PROCESS_CREDENTIALS.accountId), "the full account id never shows");
  assert(acct.account_id_short.startsWith(IN_PROCESS_CREDENTIALS.accountId.slice(0, 8)));
  assertEquals(acct.limits.primary, {
    used_percent: 21,
    window_minutes: 300,
    resets_at: new Date((NOW_S + 1800) * 1000).toISOString(),
  });
  assertEquals(acct.limits.secondary.window_minutes, 10080);
  assertEquals(acct.last_error, undefined);
  assertEquals(acct.accountId, undefined);
});

Deno.test("/status: a reached limit is cooling until it resets; the 429 is the last error", async () => {
  const reset = NOW_S + 900;
  const a = app({
    reply: () =>
      new Response(
        JSON.stringify({
          error: {
            type: "usage_limit_reached",
            plan_type: "plus",
            resets_at: reset,
            resets_in_seconds: 900,
          },
        }),
        {
          status: 429,
          headers: {
            "content-type": "application/json",
            "x-codex-primary-used-percent": "100",
            "x-codex-primary-window-minutes": "300",
            "x-codex-primary-reset-at": String(reset),
            "x-codex-rate-limit-reached-type": "primary",
          },
        },
      ),
  });
  const res = await a.post("/v1/chat/completions", {
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(res.status, 429);
  await res.body?.cancel();
  const [acct] = (await (await a.get("/status")).json()).accounts;
  assertEquals(acct.state, "cooling");
  assertEquals(acct.cooling_until, new Date(reset * 1000).toISOString());
  assertEquals(acct.limits.primary.used_percent, 100);
  assertEquals(acct.last_error.code.length > 0, true);
  assert(Date.parse(acct.last_error.at) > 0);
});
