import { assertEquals, assertRejects } from "../support/assert.ts";
import type { CredentialService } from "../../src/auth/credential_service.ts";
import type { Credentials } from "../../src/auth/credentials.ts";
import type { ProxyError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { forward, type ForwardContext } from "../../src/pipeline/forward.ts";
import { MemoryQuotaStore } from "../../src/state/memory_quota_store.ts";
import type { UpstreamRequest } from "../../src/upstream/upstream_request.ts";
import { staticCredentials } from "../support/in_process.ts";
import { testBackend } from "./stage_fixtures.ts";

const OLD: Credentials = { accessToken: "old", accountId: "acct-1", path: "/a" };
const NEW: Credentials = { accessToken: "new", accountId: "acct-1", path: "/a" };

const REQUEST = {
  body: { model: "gpt-5.4", input: [] },
  conversationId: "c",
  requestId: "r",
} as unknown as UpstreamRequest;

/** A fetch that answers from `answers` in order and records the bearer of each call. */
function scripted(answers: (() => Response)[], bearers: string[]): typeof fetch {
  return ((_url: string, init: RequestInit) => {
    bearers.push(new Headers(init.headers).get("authorization") ?? "");
    return Promise.resolve(answers.shift()!());
  }) as typeof fetch;
}

function context(fetchFn: typeof fetch, service: CredentialService): ForwardContext {
  return {
    backend: { ...testBackend(), base_url: "http://127.0.0.1:9/x" },
    credentials: OLD,
    credentialService: service,
    fetch: fetchFn,
    signal: new AbortController().signal,
    host: { os: "linux", arch: "x86_64" },
    logger: createLogger("error"),
    sleep: () => Promise.resolve(),
  };
}

Deno.test("forward() asks the credential service once after a 401 and retries with what it gives", async () => {
  const recovered: [string, string][] = [];
  const service: CredentialService = {
    ...staticCredentials(),
    recover: (backend, failed) => {
      recovered.push([backend, failed.accessToken]);
      return Promise.resolve(NEW);
    },
  };
  const bearers: string[] = [];
  const fetchFn = scripted([
    () => Response.json({ error: { message: "expired" } }, { status: 401 }),
    () => new Response("event: x\ndata: {}\n\n", { status: 200 }),
  ], bearers);
  const answer = await forward(REQUEST, context(fetchFn, service));
  assertEquals(answer.credentials, NEW);
  assertEquals(recovered, [["openai_codex", "old"]]);
  assertEquals(bearers, ["Bearer old", "Bearer new"]);
  await answer.response.body?.cancel();
});

Deno.test("forward() never treats an HTML 403 as a refused token: 502, no recovery", async () => {
  let recovered = 0;
  const service: CredentialService = {
    ...staticCredentials(),
    recover: () => {
      recovered++;
      return Promise.resolve(NEW);
    },
  };
  const fetchFn = scripted([
    () =>
      new Response("<!DOCTYPE html><title>Just a moment…</title>", {
        status: 403,
        headers: { "content-type": "text/html" },
      }),
  ], []);
  const error = await assertRejects(() =>
    forward(REQUEST, context(fetchFn, service))
  ) as ProxyError;
  assertEquals([error.status, error.code], [502, "upstream_html_response"]);
  assertEquals(recovered, 0);
});

Deno.test("forward() keeps the answer's quota figures in the quota store and passes them on", async () => {
  const quota = new MemoryQuotaStore();
  const fetchFn = scripted([
    () =>
      new Response("event: x\ndata: {}\n\n", {
        headers: { "x-codex-primary-used-percent": "40", "x-codex-plan-type": "pro" },
      }),
    () => new Response("event: x\ndata: {}\n\n"),
  ], []);
  const ctx = { ...context(fetchFn, staticCredentials()), quota, now: () => 0 };
  const first = await forward(REQUEST, ctx);
  await first.response.body?.cancel();
  assertEquals((await quota.latest("acct-1"))?.primary?.used_percent, 40);
  // An answer without the headers still passes on the last known ones.
  const second = await forward(REQUEST, ctx);
  await second.response.body?.cancel();
  assertEquals(second.quotaHeaders, {
    "x-codex-primary-used-percent": "40",
    "x-codex-plan-type": "pro",
  });
});
