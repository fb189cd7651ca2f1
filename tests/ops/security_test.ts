import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { runMain, subprocessEnv } from "../support/run_main.ts";
import { bindRefusal, bindWarning, isLoopback } from "../../src/http/bind_guard.ts";
import { sameSecret } from "../../src/http/api_key.ts";
import { errorOf, postChat } from "./ops_helpers.ts";

const KEY = "cg-test-key-7f3a9c2e";

Deno.test("security: api key required (Bearer or x-api-key), checked, never forwarded", async () => {
  await using proxy = await startProxy({ configYaml: `server:\n  api_key: ${KEY}\n` });
  const missing = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(missing.status, 401);
  assertEquals(errorOf(missing.json).code, "missing_api_key");
  assertEquals(errorOf(missing.json).request_id, missing.headers.get("x-request-id"));
  const wrong = await postChat(proxy.url, { model: "gpt-5.4" }, { authorization: "Bearer nope" });
  assertEquals(wrong.status, 401);
  assertEquals(errorOf(wrong.json).code, "invalid_api_key");
  assertEquals(proxy.fake.calls.length, 0);

  const bearer = await postChat(proxy.url, { model: "gpt-5.4" }, {
    authorization: `Bearer ${KEY}`,
  });
  assertEquals(bearer.status, 200);
  const xApiKey = await postChat(proxy.url, { model: "gpt-5.4" }, { "x-api-key": KEY });
  assertEquals(xApiKey.status, 200);
  // An SDK that sends its own bearer and the key in x-api-key is let in.
  const both = await postChat(proxy.url, { model: "gpt-5.4" }, {
    authorization: "Bearer sdk-default",
    "x-api-key": KEY,
  });
  assertEquals(both.status, 200);
  assertEquals(proxy.fake.calls.length, 3);
  for (const call of proxy.fake.calls) {
    assertEquals(call.headers["authorization"], `Bearer ${proxy.tokens.access_token}`);
    assertEquals(call.headers["x-api-key"], undefined);
    assert(!JSON.stringify(call.headers).includes(KEY), "the client key never goes upstream");
  }
  // Models and status need the key too; health does not (probes).
  assertEquals(
    (await fetch(`${proxy.url}/v1/models`).then((r) => r.json())).error.code,
    "missing_api_key",
  );
  assertEquals((await fetch(`${proxy.url}/status`)).status, 401);
  assertEquals((await fetch(`${proxy.url}/health`)).status, 200);
  const models = await fetch(`${proxy.url}/v1/models`, { headers: { "x-api-key": KEY } });
  assertEquals(models.status, 200);
  await models.body?.cancel();
  assert(!proxy.logs.some((l) => l.includes(KEY)), "the key is never logged");
});

Deno.test("security: sameSecret compares whole values of any length", () => {
  assert(sameSecret("abc", "abc"));
  assert(!sameSecret("abc", "abd"));
  assert(!sameSecret("abc", "abcd"));
  assert(!sameSecret("", "x"));
});

Deno.test("security: 60 MB body → 413, and the proxy keeps serving", async () => {
  await using proxy = await startProxy();
  const big = JSON.stringify({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "x".repeat(60 * 1024 * 1024) }],
  });
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: big,
  });
  assertEquals(res.status, 413);
  const error = errorOf(await res.json());
  assertEquals(error.code, "request_too_large");
  assertStringIncludes(error.message, "50 MB");
  assertEquals(error.request_id, res.headers.get("x-request-id"));
  assertEquals(proxy.fake.calls.length, 0);
  const next = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(next.status, 200);
  assertEquals(proxy.fake.calls.length, 1);
});

Deno.test("security: chunked body over the limit (no content-length) → 413 too", async () => {
  await using proxy = await startProxy({ configYaml: "server:\n  body_limit_mb: 1\n" });
  const chunk = new TextEncoder().encode("x".repeat(256 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent++ < 12) c.enqueue(chunk);
      else c.close();
    },
  });
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  assertEquals(res.status, 413);
  await res.body?.cancel();
  assertEquals((await postChat(proxy.url, { model: "gpt-5.4" })).status, 200);
});

Deno.test("security: loopback detection", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) assert(isLoopback(h), h);
  for (const h of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.test"]) {
    assert(!isLoopback(h), h);
  }
  const server = {
    host: "0.0.0.0",
    port: 8000,
    api_key: null,
    allow_unauthenticated: false,
    body_limit_mb: 50,
    cors_origins: [],
    shutdown_grace_seconds: 30,
    websocket_idle_timeout_seconds: 600,
    websocket_max_age_seconds: 3600,
  };
  assertStringIncludes(bindRefusal(server)!, "server.api_key");
  assertEquals(bindRefusal({ ...server, api_key: "k" }), undefined);
  assertEquals(bindRefusal({ ...server, allow_unauthenticated: true }), undefined);
  assertEquals(bindRefusal({ ...server, host: "127.0.0.1" }), undefined);
  assertStringIncludes(
    bindWarning({ ...server, allow_unauthenticated: true })!,
    "without server.api_key",
  );
  assertEquals(bindWarning({ ...server, api_key: "k" }), undefined);
  assertEquals(bindWarning({ ...server, host: "::1" }), undefined);
});

Deno.test("security: main.ts refuses a non-loopback bind without a key (subprocess)", async () => {
  const home = await Deno.makeTempDir({ prefix: "codexgate-bind-" });
  try {
    const env = subprocessEnv(home);
    const { code, stderr } = await runMain(["--host", "0.0.0.0", "--port", "0"], {
      env,
      cwd: home,
    });
    assertEquals(code, 1);
    assertStringIncludes(stderr, "refusing to listen on 0.0.0.0");
    assertStringIncludes(stderr, "server.api_key");
    assertStringIncludes(stderr, "--allow-unauthenticated");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("security: CORS off by default; configured origins get preflight and headers", async () => {
  {
    await using proxy = await startProxy();
    const res = await fetch(`${proxy.url}/v1/models`, { headers: { origin: "http://app.test" } });
    assertEquals(res.headers.get("access-control-allow-origin"), null);
    await res.body?.cancel();
  }
  await using proxy = await startProxy({
    configYaml: `server:\n  api_key: ${KEY}\n  cors_origins: ["http://app.test"]\n`,
  });
  const preflight = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "OPTIONS",
    headers: {
      origin: "http://app.test",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });
  assertEquals(preflight.status, 204);
  assertEquals(preflight.headers.get("access-control-allow-origin"), "http://app.test");
  assertEquals(
    preflight.headers.get("access-control-allow-headers"),
    "authorization, content-type",
  );
  assertStringIncludes(preflight.headers.get("access-control-allow-methods")!, "POST");
  const foreign = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "OPTIONS",
    headers: { origin: "http://evil.test", "access-control-request-method": "POST" },
  });
  assertEquals(foreign.status, 403);
  assertEquals(foreign.headers.get("access-control-allow-origin"), null);
  const answer = await postChat(proxy.url, { model: "gpt-5.4" }, {
    origin: "http://app.test",
    authorization: `Bearer ${KEY}`,
  });
  assertEquals(answer.status, 200);
  assertEquals(answer.headers.get("access-control-allow-origin"), "http://app.test");
  assertStringIncludes(answer.headers.get("access-control-expose-headers")!, "x-request-id");
  // CORS does not bypass the key.
  const noKey = await postChat(proxy.url, { model: "gpt-5.4" }, { origin: "http://app.test" });
  assertEquals(noKey.status, 401);
  assertEquals(noKey.headers.get("access-control-allow-origin"), "http://app.test");
});

Deno.test('security: cors_origins ["*"] allows any origin without echoing credentials', async () => {
  await using proxy = await startProxy({ configYaml: 'server:\n  cors_origins: ["*"]\n' });
  const preflight = await fetch(`${proxy.url}/v1/models`, {
    method: "OPTIONS",
    headers: { origin: "http://any.test", "access-control-request-method": "GET" },
  });
  assertEquals(preflight.status, 204);
  assertEquals(preflight.headers.get("access-control-allow-origin"), "*");
  const res = await fetch(`${proxy.url}/v1/models`, { headers: { origin: "http://any.test" } });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("access-control-allow-origin"), "*");
  assertEquals(res.headers.get("access-control-allow-credentials"), null);
  await res.body?.cancel();
});
