import OpenAI from "openai";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { FAKE_MODELS, FAKE_WHAM_USAGE, QUOTA_HEADERS } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { postChat } from "./ops_helpers.ts";

function requestLines(logs: string[]): Record<string, unknown>[] {
  return logs.map((l) => JSON.parse(l)).filter((e) => e.msg === "request");
}

Deno.test("quota: x-codex-* headers passed to the client and kept per account for /status", async () => {
  await using proxy = await startProxy();
  // Before any request the figures come from the usage document codexgate polls.
  const before = await fetch(`${proxy.url}/status`).then((r) => r.json());
  assertEquals(before.backends.openai_codex.usage.source, "poll");
  assertEquals(
    before.backends.openai_codex.usage.primary.used_percent,
    FAKE_WHAM_USAGE.rate_limit.primary_window.used_percent,
  );

  const first = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(first.status, 200);
  for (const [name, value] of Object.entries(QUOTA_HEADERS)) {
    assertEquals(first.headers.get(name), value, name);
  }
  // The next answer reports new figures: the latest win.
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("ok").completed(),
    headers: { "x-codex-primary-used-percent": "57" },
  });
  const second = await postChat(proxy.url, { model: "gpt-5.4", stream: true });
  assertEquals(second.headers.get("x-codex-primary-used-percent"), "57");

  const res = await fetch(`${proxy.url}/status`);
  assertEquals(res.status, 200);
  const status = await res.json();
  const backend = status.backends.openai_codex;
  assertEquals(backend.account.id, "acct-111…3333");
  assertEquals(backend.account.plan, "plus");
  assertMatch(backend.account.token_expires_at, /^\d{4}-\d\d-\d\dT/);
  assert(backend.account.token_expires_in_seconds > 9 * 24 * 3600);
  // The answers' headers are newer than the poll: they win where they speak.
  assertEquals(backend.usage.plan_type, "plus");
  assertEquals(backend.usage.primary, {
    used_percent: 57,
    window_minutes: 300,
    reset_after_seconds: 3600,
    resets_at: new Date(1795645115 * 1000).toISOString(),
  });
  assertEquals(backend.usage.secondary.used_percent, 40);
  assertEquals(backend.usage.secondary.window_minutes, 10080);
  assertEquals(backend.models, { source: "live", count: FAKE_MODELS.length });
  // No secret, no full account id.
  const text = JSON.stringify(status);
  assert(!text.includes(proxy.tokens.account_id));
  assert(!text.includes(proxy.tokens.access_token.slice(0, 30)));
});

Deno.test("logs: one info line per request with id, model, backend, status, ttfb, duration, tokens", async () => {
  await using proxy = await startProxy();
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const { response } = await client.chat.completions.create({
    model: "gpt-5.4-high",
    messages: [{ role: "user", content: "hi" }],
  }).withResponse();
  const stream = await client.chat.completions.create({
    model: "gpt-5.4",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  });
  for await (const _ of stream) { /* drain */ }
  const missing = await postChat(proxy.url, { model: "gpt-0" });
  assertEquals(missing.status, 404);

  const lines = requestLines(proxy.logs);
  assertEquals(lines.length, 3);
  const [plain, streamed, notFound] = lines;
  assertEquals(plain.level, "info");
  assertEquals(plain.id, response.headers.get("x-request-id"));
  assertEquals(
    [plain.method, plain.path, plain.model, plain.backend, plain.status],
    ["POST", "/v1/chat/completions", "gpt-5.4-high", "openai_codex", 200],
  );
  assertEquals(plain.tokens, { input: 12, cached: 0, output: 7, reasoning: 0 });
  assertEquals(plain.quota_primary_used_percent, 12);
  assert(typeof plain.ttfb_ms === "number" && typeof plain.duration_ms === "number");
  assert((plain.duration_ms as number) >= (plain.ttfb_ms as number));
  // The streamed one is logged when the stream ends, with its usage.
  assertEquals([streamed.status, streamed.model], [200, "gpt-5.4"]);
  assertEquals((streamed.tokens as { output: number }).output, 7);
  assertEquals(streamed.stream_error, undefined);
  assertEquals([notFound.status, notFound.model, notFound.ttfb_ms], [404, "gpt-0", undefined]);
  assertEquals(notFound.id, missing.headers.get("x-request-id"));
  // Health probes stay at debug.
  await fetch(`${proxy.url}/health`).then((r) => r.body?.cancel());
  const health = requestLines(proxy.logs).at(-1)!;
  assertEquals([health.path, health.level], ["/health", "debug"]);
});
