/**
 * The `wham/usage` poll: sends the account's bearer and id, keeps the figures
 * per account, is cached (never more often than min_interval_seconds), joins
 * a poll in flight, is jittered, pauses when nothing asked, and records its
 * last failure without throwing.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { LimitsPoller } from "../../src/limits/limits_poller.ts";
import { MemoryQuotaStore } from "../../src/state/memory_quota_store.ts";
import { parseConfigText, resolveConfig } from "../../src/config/load_config.ts";
import { createLogger } from "../../src/log.ts";
import { IN_PROCESS_CREDENTIALS, staticCredentials } from "../support/in_process.ts";

const BASE = "http://127.0.0.1:9/backend-api/codex";

function setup(yaml = "{}", answer?: (n: number) => Response) {
  const config = resolveConfig(parseConfigText(yaml, "test"), {
    env: { OPENAI_API_BASE_URL: BASE },
    flags: {},
    source: "test",
  });
  let clock = Date.parse("2026-12-01T10:00:00Z");
  const seen: Request[] = [];
  const logs: string[] = [];
  const quota = new MemoryQuotaStore();
  const poller = new LimitsPoller({
    config,
    credentials: staticCredentials(),
    quota,
    fetch: (input, init) => {
      const request = new Request(input, init);
      seen.push(request);
      return Promise.resolve(
        answer?.(seen.length) ?? Response.json({
          plan_type: "plus",
          rate_limit: {
            allowed: true,
            limit_reached: false,
            primary_window: { used_percent: seen.length * 10, limit_window_seconds: 18000 },
          },
        }),
      );
    },
    now: () => clock,
    logger: createLogger("info", (line) => logs.push(line)),
    host: { os: "linux", arch: "x86_64" },
    random: () => 0.5,
  });
  return { poller, seen, quota, logs, advance: (ms: number) => (clock += ms) };
}

Deno.test("poll: asks wham/usage with the account's bearer and id, keeps the figures per account", async () => {
  const { poller, seen, quota } = setup();
  const got = await poller.refresh("openai_codex");
  assertEquals(seen.length, 1);
  assertEquals(seen[0].url, "http://127.0.0.1:9/backend-api/wham/usage");
  assertEquals(
    seen[0].headers.get("authorization"),
    `Bearer ${IN_PROCESS_CREDENTIALS.accessToken}`,
  );
  assertEquals(seen[0].headers.get("chatgpt-account-id"), IN_PROCESS_CREDENTIALS.accountId);
  assertEquals(got?.primary?.used_percent, 10);
  const kept = await quota.latest(IN_PROCESS_CREDENTIALS.accountId);
  assertEquals(kept?.primary?.window_minutes, 300);
  assertEquals(kept?.plan_type, "plus");
});

Deno.test("poll: cached for min_interval_seconds; a poll in flight is joined", async () => {
  const { poller, seen, advance } = setup("limits: { min_interval_seconds: 60 }");
  const [a, b] = await Promise.all([
    poller.refresh("openai_codex"),
    poller.refresh("openai_codex"),
  ]);
  assertEquals(seen.length, 1);
  assertEquals(a, b);
  advance(30_000);
  assertEquals(await poller.refresh("openai_codex"), undefined);
  assertEquals(seen.length, 1);
  advance(31_000);
  await poller.refresh("openai_codex");
  assertEquals(seen.length, 2);
});

Deno.test("poll: the periodic round pauses while nothing asked for idle_pause_seconds", async () => {
  const { poller, seen, advance } = setup(
    "limits: { idle_pause_seconds: 600, min_interval_seconds: 0 }",
  );
  assertEquals(await poller.tick(), 1);
  advance(601_000);
  assertEquals(poller.active(), false);
  assertEquals(await poller.tick(), 0);
  assertEquals(seen.length, 1);
  poller.touch();
  assertEquals(await poller.tick(), 1);
  assertEquals(seen.length, 2);
});

Deno.test("poll: the interval is jittered ±20 %", () => {
  for (const [r, expected] of [[0, 240_000], [0.5, 300_000], [0.999, 359_880]] as const) {
    const config = resolveConfig(parseConfigText("{}", "t"), { env: {}, flags: {}, source: "t" });
    const p = new LimitsPoller({
      config,
      credentials: staticCredentials(),
      quota: new MemoryQuotaStore(),
      fetch,
      now: Date.now,
      logger: createLogger("error"),
      host: { os: "linux", arch: "x86_64" },
      random: () => r,
    });
    assert(Math.abs(p.nextDelayMs() - expected) < 1, `${p.nextDelayMs()} vs ${expected}`);
  }
});

Deno.test("poll: a failure is remembered and logged once, never thrown; success clears it", async () => {
  const { poller, logs, advance } = setup(
    "limits: { min_interval_seconds: 0 }",
    (n) => n <= 2 ? new Response("nope", { status: 403 }) : undefined!,
  );
  assertEquals(await poller.refresh("openai_codex"), undefined);
  assertEquals(poller.lastError("openai_codex")?.code, "http_403");
  advance(1000);
  await poller.refresh("openai_codex");
  assertEquals(logs.filter((l) => l.includes("cannot poll")).length, 1);
  advance(1000);
  const ok = await poller.refresh("openai_codex");
  assertEquals(ok?.primary?.used_percent, 30);
  assertEquals(poller.lastError("openai_codex"), undefined);
});

Deno.test("poll: limits.poll false never asks; usage_url overrides the derived address", async () => {
  const off = setup("limits: { poll: false }");
  assertEquals(await off.poller.refresh("openai_codex"), undefined);
  assertEquals(off.seen.length, 0);
  const custom = setup(
    "backends: { openai_codex: { type: openai-codex, usage_url: 'http://127.0.0.1:9/u' } }",
  );
  await custom.poller.refresh("openai_codex");
  assertEquals(custom.seen[0].url, "http://127.0.0.1:9/u");
});

Deno.test("poll: never refreshes a token itself; an expiring sign-in waits for a request", async () => {
  const config = resolveConfig(parseConfigText("{}", "t"), {
    env: { OPENAI_API_BASE_URL: BASE },
    flags: {},
    source: "t",
  });
  const now = Date.parse("2026-12-01T10:00:00Z");
  let gets = 0;
  let fetches = 0;
  const base = staticCredentials();
  const poller = new LimitsPoller({
    config,
    credentials: {
      ...base,
      get: (b) => (gets++, base.get(b)),
      inspect: async (b) =>
        ({ ...(await base.inspect(b)), ok: true, expiresAt: now + 60_000 }) as never,
    },
    quota: new MemoryQuotaStore(),
    fetch: () => (fetches++, Promise.resolve(Response.json({}))),
    now: () => now,
    logger: createLogger("error"),
    host: { os: "linux", arch: "x86_64" },
  });
  assertEquals(await poller.refresh("openai_codex"), undefined);
  assertEquals([gets, fetches], [0, 0]);
  assertEquals(poller.lastError("openai_codex"), undefined);
});

Deno.test("poll: start() fetches nothing; the first request (touch) runs the first round", async () => {
  const { poller, seen } = setup();
  poller.start();
  await Promise.resolve();
  assertEquals(seen.length, 0);
  poller.touch();
  // The round is the poll in flight: joining it waits for it to end.
  await poller.refresh("openai_codex");
  assertEquals(seen.length, 1);
  poller.touch();
  assertEquals(seen.length, 1);
  poller.stop();
});
