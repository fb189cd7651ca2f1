import { assert, assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { startProxy } from "../support/harness.ts";
import { errorOf, postChat } from "./ops_helpers.ts";

const FAST_RETRIES = "backends:\n  openai_codex: { type: openai-codex, max_retries: 2 }\n";

Deno.test("errors: 429 usage limit → 429 with Retry-After, plan and reset named, never retried", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.usageLimit(5400, "pro"));
  const { status, headers, json } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 429);
  assertEquals(headers.get("retry-after"), "5400");
  const error = errorOf(json);
  assertEquals(error.code, "usage_limit_reached");
  assertEquals(error.type, "rate_limit_error");
  assertStringIncludes(error.message, "ChatGPT pro plan");
  assertStringIncludes(error.message, "1 h 30 min");
  assertMatch(error.message, /resets at \d{4}-\d\d-\d\dT/);
  assertEquals(error.request_id, headers.get("x-request-id"));
  // The plan's usage headers come along with the error.
  assertEquals(headers.get("x-codex-plan-type"), "plus");
  assertEquals(proxy.fake.calls.length, 1);
});

Deno.test("errors: 503 then success → one retry, the client sees only the answer", async () => {
  await using proxy = await startProxy({ configYaml: FAST_RETRIES });
  proxy.fake.enqueue(replies.status(503), replies.text("recovered"));
  const { status, json } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 200);
  const choices = json.choices as { message: { content: string } }[];
  assertEquals(choices[0].message.content, "recovered");
  assertEquals(proxy.fake.calls.length, 2);
  // The retry is the same request.
  assertEquals(proxy.fake.calls[1].body, proxy.fake.calls[0].body);
  assert(
    proxy.logs.some((l) => l.includes("retrying the Codex backend") && l.includes("HTTP 503")),
  );
});

Deno.test("errors: 429 rate limit (not usage) honours Retry-After before retrying", async () => {
  await using proxy = await startProxy({ configYaml: FAST_RETRIES });
  proxy.fake.enqueue(
    replies.status(429, { error: { message: "slow down", code: "rate_limit_exceeded" } }, {
      "retry-after": "1",
    }),
    replies.text("after the wait"),
  );
  const started = performance.now();
  const { status } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 200);
  assert(performance.now() - started >= 950, "waited the Retry-After second");
  assertEquals(proxy.fake.calls.length, 2);
});

Deno.test("errors: 503 forever → bounded attempts, then 503 to the client", async () => {
  await using proxy = await startProxy({ configYaml: FAST_RETRIES });
  proxy.fake.respond(() => replies.status(503, { error: { message: "overloaded" } }));
  const { status, headers, json } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 503);
  const error = errorOf(json);
  assertEquals(error.code, "upstream_unavailable");
  assertStringIncludes(error.message, "overloaded");
  assertStringIncludes(error.message, "gave up after 3 attempts");
  assertEquals(error.request_id, headers.get("x-request-id"));
  assertEquals(proxy.fake.calls.length, 3);
});

Deno.test("errors: 500 forever with max_retries 0 → exactly one attempt, 502", async () => {
  await using proxy = await startProxy({
    configYaml: "backends:\n  openai_codex: { type: openai-codex, max_retries: 0 }\n",
  });
  proxy.fake.respond(() => replies.status(500));
  const { status, json } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 502);
  assertEquals(errorOf(json).code, "upstream_error");
  assertEquals(proxy.fake.calls.length, 1);
});

Deno.test("errors: network error before the first byte is retried, then 502", async () => {
  // A port with nothing listening: every attempt is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await using proxy = await startProxy({
    configYaml: FAST_RETRIES,
    env: { OPENAI_API_BASE_URL: `http://127.0.0.1:${deadPort}/backend-api/codex` },
  });
  const { status, json } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 502);
  assertEquals(errorOf(json).code, "upstream_unreachable");
  assertStringIncludes(errorOf(json).message, "gave up after 3 attempts");
  assertEquals(
    proxy.logs.filter((l) => l.includes("retrying the Codex backend")).length,
    2,
  );
});

Deno.test("errors: Cloudflare HTML 403 → 502 with a clear message, no HTML passed on", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.cloudflare());
  const { status, json, text } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 502);
  assertEquals(errorOf(json).code, "upstream_html_response");
  assertStringIncludes(errorOf(json).message, "HTML page");
  assert(!text.includes("<html"), "no HTML in the answer");
  assertEquals(proxy.fake.calls.length, 1);
  assertEquals(proxy.fake.tokenCalls.length, 0);
});

Deno.test("errors: context overflow → 400 context_length_exceeded (stream and not)", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.contextOverflow(), replies.contextOverflow());
  for (const stream of [false, true]) {
    const { status, headers, json } = await postChat(proxy.url, { model: "gpt-5.4", stream });
    assertEquals(status, 400);
    assertEquals(errorOf(json).code, "context_length_exceeded");
    assertStringIncludes(errorOf(json).message, "context window");
    assertEquals(errorOf(json).request_id, headers.get("x-request-id"));
  }
  assertEquals(proxy.fake.calls.length, 2);
});

Deno.test("errors: backend 'model not supported' → 404 naming the catalog's models", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(
    replies.status(400, {
      error: {
        message: "The 'gpt-5.4' model is not supported when using Codex with a ChatGPT account.",
        type: "invalid_request_error",
      },
    }),
  );
  const { status, json } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 404);
  assertEquals(errorOf(json).code, "model_not_found");
  assertStringIncludes(errorOf(json).message, "Available models: gpt-5.4, gpt-5.4-mini");
});

/** A raw HTTP server that sends 200 + SSE headers, part of a chunk, then drops the connection. */
function startDroppingServer(
  bodyPrefix: string,
): { url: string; calls: number; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const server = {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/backend-api/codex`,
    calls: 0,
    close: () => listener.close(),
  };
  (async () => {
    for await (const conn of listener) {
      (async () => {
        const buf = new Uint8Array(65536);
        const n = await conn.read(buf).catch(() => null);
        const isPost = new TextDecoder().decode(buf.subarray(0, n ?? 0)).startsWith("POST ");
        const head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" +
          "transfer-encoding: chunked\r\n\r\n" + bodyPrefix;
        if (isPost) server.calls++; // the catalog GET fails the same way, uncounted
        await conn.write(new TextEncoder().encode(head)).catch(() => 0);
        conn.close();
      })();
    }
  })().catch(() => {});
  return server;
}

Deno.test("errors: connection dropped inside the first event → 502 upstream_stream_error, not 500", async () => {
  const dropping = startDroppingServer("40\r\nevent: response.cre");
  try {
    await using proxy = await startProxy({
      configYaml: "backends:\n  openai_codex: { type: openai-codex, models: [gpt-5.4] }\n",
      env: { OPENAI_API_BASE_URL: dropping.url },
    });
    const { status, headers, json } = await postChat(proxy.url, { model: "gpt-5.4" });
    assertEquals(status, 502);
    assertEquals(errorOf(json).code, "upstream_stream_error");
    assertStringIncludes(errorOf(json).message, "before its first event");
    assertEquals(errorOf(json).request_id, headers.get("x-request-id"));
    assert(!proxy.logs.some((l) => l.includes("unhandled error")));
    // The answer had started (HTTP 200): not retried.
    assertEquals(dropping.calls, 1);
  } finally {
    dropping.close();
  }
});

Deno.test("errors: stream closed before any event → 502 upstream_empty_stream", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({ kind: "events", events: [], cutAfter: 0 });
  const { status, json } = await postChat(proxy.url, { model: "gpt-5.4", stream: true });
  assertEquals(status, 502);
  assertEquals(errorOf(json).code, "upstream_empty_stream");
  assertEquals(proxy.fake.calls.length, 1);
});
