/**
 * `GET /metrics`: Prometheus text with requests by route, dialect, model,
 * status and client; latency and time-to-first-byte histograms; tokens by
 * kind; upstream retries; token refreshes; per-account used percent, reset
 * time and state. Checked with `promtool check metrics` (Debian's
 * `prometheus` package; `.ci/run` installs it) and by reading the values.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { promtool } from "./promtool.ts";

const KEYS = `
server:
  api_keys:
    - { name: alice, key: key-alice-123 }
    - { name: bob, key: key-bob-456 }
limits: { min_interval_seconds: 0 }
backends: { openai_codex: { type: openai-codex, max_retries: 2 } }
`;

/** The value of the one sample named `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[3] ?? "").matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

function app() {
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let n = 0;
  return inProcessApp({
    configYaml: KEYS,
    reply: () => {
      n++;
      // The first call fails transiently once: one retry.
      if (n === 1) return new Response("busy", { status: 503 });
      return new Response(
        new ScriptBuilder().text("hello").usage({
          input_tokens: 100,
          cached_tokens: 60,
          output_tokens: 20,
          reasoning_tokens: 5,
        }).completed().map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""),
        {
          headers: {
            "content-type": "text/event-stream",
            "x-codex-primary-used-percent": "35",
            "x-codex-primary-window-minutes": "300",
            "x-codex-primary-reset-at": String(resetAt),
          },
        },
      );
    },
  });
}

const chat = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };

Deno.test("metrics: behind the api key; counts, histograms, tokens, retries, account gauges", async () => {
  const a = app();
  const noKey = await a.handler(new Request("http://codexgate.test/metrics"));
  assertEquals(noKey.status, 401);
  await noKey.body?.cancel();

  const r1 = await a.post("/v1/chat/completions", chat, { authorization: "Bearer key-alice-123" });
  assertEquals(r1.status, 200);
  await r1.json();
  const r2 = await a.post("/v1/chat/completions", { ...chat, stream: true }, {
    "x-api-key": "key-bob-456",
  });
  await r2.text();
  const r3 = await a.post("/v1/chat/completions", { ...chat, model: "no-such-model" }, {
    authorization: "Bearer key-alice-123",
  });
  await r3.body?.cancel();

  const res = await a.handler(
    new Request("http://codexgate.test/metrics", {
      headers: { authorization: "Bearer key-bob-456" },
    }),
  );
  assertEquals(res.status, 200);
  assert(res.headers.get("content-type")!.startsWith("text/plain; version=0.0.4"));
  const text = await res.text();

  const req = { route: "/v1/chat/completions", dialect: "chat", model: "gpt-5.4", status: "200" };
  assertEquals(sample(text, "codexgate_requests_total", { ...req, client: "alice" }), 1);
  assertEquals(sample(text, "codexgate_requests_total", { ...req, client: "bob" }), 1);
  assertEquals(
    sample(text, "codexgate_requests_total", { model: "no-such-model", client: "alice" }),
    1,
  );
  for (const [kind, n] of [["input", 200], ["cached", 120], ["output", 40], ["reasoning", 10]]) {
    const a = sample(text, "codexgate_tokens_total", { kind: String(kind), client: "alice" }) ?? 0;
    const b = sample(text, "codexgate_tokens_total", { kind: String(kind), client: "bob" }) ?? 0;
    assertEquals(a + b, n, `tokens ${kind}`);
  }
  const route = { route: "/v1/chat/completions", dialect: "chat" };
  assertEquals(sample(text, "codexgate_request_duration_seconds_count", route), 3);
  assertEquals(
    sample(text, "codexgate_request_duration_seconds_bucket", { ...route, le: "+Inf" }),
    3,
  );
  assertEquals(sample(text, "codexgate_time_to_first_byte_seconds_count", route), 2);
  assertEquals(sample(text, "codexgate_upstream_retries_total", { backend: "openai_codex" }), 1);
  const acct = { backend: "openai_codex", account: "openai_codex", limit: "codex" };
  assertEquals(sample(text, "codexgate_account_used_percent", { ...acct, window: "primary" }), 35);
  assert(
    (sample(text, "codexgate_account_limit_resets_at_seconds", { ...acct, window: "primary" }) ??
      0) > Date.now() / 1000,
  );
  assertEquals(sample(text, "codexgate_account_state", { state: "ready" }), 1);
  assertEquals(sample(text, "codexgate_account_state", { state: "cooling" }), 0);
  assert(!text.includes("key-alice-123") && !text.includes("key-bob-456"), "no key in metrics");

  const check = await promtool(text);
  if ("skip" in check) console.warn(`⚠ promtool check skipped: ${check.skip}`);
  else assertEquals(check.problems, "", "promtool check metrics");
});

Deno.test("metrics: a label value with quotes and newlines is escaped; promtool accepts it", async () => {
  const a = app();
  await (await a.post("/v1/chat/completions", { ...chat, model: 'we"ird\nmodel' }, {
    authorization: "Bearer key-alice-123",
  })).body?.cancel();
  const text = await (await a.handler(
    new Request("http://codexgate.test/metrics", {
      headers: { authorization: "Bearer key-alice-123" },
    }),
  )).text();
  assert(text.includes('model="we\\"ird\\nmodel"'), text);
  const check = await promtool(text);
  if ("skip" in check) console.warn(`⚠ promtool check skipped: ${check.skip}`);
  else assertEquals(check.problems, "");
});

Deno.test("metrics: promtool itself refuses a broken exposition (the check above is real)", async () => {
  const check = await promtool('# TYPE x counter\nx{a="1" 2\n');
  if ("skip" in check) console.warn(`⚠ promtool check skipped: ${check.skip}`);
  else assert(check.problems !== "", "promtool accepted a broken line");
});
