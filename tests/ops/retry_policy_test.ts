import { assert, assertEquals } from "../support/assert.ts";
import { parseRetryAfter, RetryPolicy, sleep } from "../../src/upstream/retry_policy.ts";
import { forward } from "../../src/pipeline/forward.ts";
import { resolveConfig } from "../../src/config/load_config.ts";
import { configSchema } from "../../src/config/schema.ts";
import { createLogger } from "../../src/log.ts";
import type { Credentials } from "../../src/auth/credentials.ts";
import { MemoryQuotaStore } from "../../src/state/memory_quota_store.ts";

const status = (s: number, code: string | null = null, retryAfter: string | null = null) => ({
  kind: "status" as const,
  status: s,
  code,
  retryAfter,
});

Deno.test("retry policy: which failures are retried, and how many times", () => {
  const policy = new RetryPolicy({ maxRetries: 2, random: () => 0.5 });
  for (const s of [429, 500, 502, 503, 504]) {
    assert(policy.delayBeforeRetry(status(s), 1) !== undefined, `${s}`);
  }
  assert(policy.delayBeforeRetry({ kind: "network" }, 2) !== undefined);
  assertEquals(policy.delayBeforeRetry({ kind: "network" }, 3), undefined, "bounded");
  for (const s of [400, 401, 403, 404, 413]) {
    assertEquals(policy.delayBeforeRetry(status(s), 1), undefined);
  }
  assertEquals(policy.delayBeforeRetry(status(429, "usage_limit_reached"), 1), undefined);
  assertEquals(new RetryPolicy({ maxRetries: 0 }).delayBeforeRetry(status(503), 1), undefined);
});

Deno.test("retry policy: jittered exponential backoff with a ceiling", () => {
  const low = new RetryPolicy({
    maxRetries: 9,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 0,
  });
  const high = new RetryPolicy({
    maxRetries: 9,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 0.999,
  });
  assertEquals([1, 2, 3, 4, 5].map((n) => low.delayBeforeRetry(status(503), n)), [
    50,
    100,
    200,
    400,
    500,
  ]);
  assertEquals([1, 2, 3, 4, 5].map((n) => high.delayBeforeRetry(status(503), n)), [
    100,
    200,
    400,
    800,
    1000,
  ]);
});

Deno.test("retry policy: Retry-After (seconds or date) wins; too long → no retry", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");
  const policy = new RetryPolicy({ maxRetries: 2, maxRetryAfterMs: 10_000, now: () => now });
  assertEquals(policy.delayBeforeRetry(status(429, "rate_limit_exceeded", "3"), 1), 3000);
  assertEquals(
    policy.delayBeforeRetry(status(503, null, "Wed, 25 Nov 2026 12:00:07 GMT"), 1),
    7000,
  );
  assertEquals(policy.delayBeforeRetry(status(503, null, "60"), 1), undefined);
  assertEquals(parseRetryAfter("soon", now), undefined);
  assertEquals(parseRetryAfter("Wed, 25 Nov 2026 11:00:00 GMT", now), 0);
});

Deno.test("retry policy: sleep is cut short by an abort", async () => {
  const ac = new AbortController();
  const started = performance.now();
  const pending = sleep(10_000, ac.signal).then(() => "slept", () => "aborted");
  ac.abort();
  assertEquals(await pending, "aborted");
  assert(performance.now() - started < 1000);
});

Deno.test("forward: retries use the injected sleep with the policy's delays", async () => {
  const config = resolveConfig(configSchema.parse({}), { env: {}, flags: {}, source: "t" });
  const backend = { ...config.backends.openai_codex, base_url: "http://127.0.0.1:9/x" };
  const answers = [503, 502, 200];
  const fetchFn = (() => {
    const s = answers.shift()!;
    return Promise.resolve(
      new Response(s === 200 ? "event: x\ndata: {}\n\n" : "{}", {
        status: s,
        headers: { "x-codex-primary-used-percent": "33" },
      }),
    );
  }) as typeof fetch;
  const slept: number[] = [];
  const quota = new MemoryQuotaStore();
  const creds: Credentials = { accessToken: "a", accountId: "acct", path: "/x" };
  const answer = await forward({
    body: {} as never,
    conversationId: "c",
    requestId: "r",
  }, {
    backend,
    credentials: creds,
    credentialService: {
      get: () => Promise.resolve(creds),
      recover: () => Promise.resolve(creds),
      inspect: () => Promise.reject(new Error("not used")),
    },
    fetch: fetchFn,
    signal: new AbortController().signal,
    host: { os: "linux", arch: "x86_64" },
    logger: createLogger("error"),
    quota,
    retry: new RetryPolicy({ maxRetries: 2, baseDelayMs: 1000, random: () => 0 }),
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
  });
  assertEquals(answer.response.status, 200);
  assertEquals(slept, [500, 1000]);
  assertEquals(answer.quotaHeaders, { "x-codex-primary-used-percent": "33" });
  assertEquals((await quota.latest("acct"))?.primary?.used_percent, 33);
  await answer.response.body?.cancel();
});
