import Anthropic from "@anthropic-ai/sdk";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";

function client(url: string): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: "unused", maxRetries: 0 });
}

async function caught(p: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Anthropic.APIError) return err;
    throw err;
  }
  throw new Error("expected an API error");
}

const ASK = {
  model: "claude-sonnet-5",
  max_tokens: 10,
  messages: [{ role: "user" as const, content: "hi" }],
};

Deno.test("anthropic: usage limit → 429 rate_limit_error with retry-after", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.usageLimit(1800), replies.usageLimit(1800));
  const c = client(proxy.url);
  for (
    const request of [
      () => c.messages.create(ASK),
      () => c.messages.create({ ...ASK, stream: true }),
    ]
  ) {
    const err = await caught(request());
    assert(err instanceof Anthropic.RateLimitError, String(err));
    assertEquals(err.status, 429);
    assertEquals(err.headers?.get("retry-after"), "1800");
    assertEquals(err.headers?.get("x-should-retry"), "false");
    const body = err.error as { type: string; error: { type: string; message: string } };
    assertEquals(body.type, "error");
    assertEquals(body.error.type, "rate_limit_error");
    assertStringIncludes(body.error.message, "plus plan");
  }
});

Deno.test("anthropic: context overflow → 400 invalid_request_error 'prompt is too long'", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.contextOverflow(), replies.contextOverflow());
  const c = client(proxy.url);
  for (
    const request of [
      () => c.messages.create(ASK),
      () => c.messages.create({ ...ASK, stream: true }),
    ]
  ) {
    const err = await caught(request());
    assert(err instanceof Anthropic.BadRequestError, String(err));
    const body = err.error as { error: { type: string; message: string } };
    assertEquals(body.error.type, "invalid_request_error");
    assertMatch(body.error.message, /^prompt is too long: /);
    assertStringIncludes(body.error.message, "exceeds the context window");
  }
});

Deno.test("anthropic: a failure after the stream began → one error event, then the end", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("partial").failed("server_error", "boom"),
  });
  const res = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...ASK, stream: true }),
  });
  assertEquals(res.status, 200);
  const frames = (await res.text()).split("\n\n").filter((f) => f !== "");
  const last = frames.at(-1)!;
  assert(last.startsWith("event: error\ndata: "), last);
  const body = JSON.parse(last.split("\ndata: ")[1]);
  assertEquals(body.type, "error");
  assertEquals(body.error.type, "api_error");
  assertStringIncludes(body.error.message, "boom");
  assert(!frames.some((f) => f.startsWith("event: message_stop")));
});

Deno.test("anthropic: upstream 503 → overloaded_error", async () => {
  await using proxy = await startProxy();
  proxy.fake.respond(() => replies.status(503, { error: { message: "try later" } }));
  const err = await caught(client(proxy.url).messages.create(ASK));
  const body = err.error as { error: { type: string } };
  assertEquals(body.error.type, "overloaded_error");
});

Deno.test("anthropic: bad requests, 404 and 405 under /v1/messages come in Anthropic's shape", async () => {
  await using proxy = await startProxy();
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${proxy.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json(), id: res.headers.get("x-request-id") };
  };
  const missing = await post("/v1/messages", { max_tokens: 5, messages: [] });
  assertEquals(missing.status, 400);
  assertEquals(missing.json, {
    type: "error",
    error: { type: "invalid_request_error", message: "model: Field required (a string)" },
    request_id: missing.id,
  });
  const badBlock = await post("/v1/messages", {
    ...ASK,
    messages: [{ role: "user", content: [{ type: "video", url: "x" }] }],
  });
  assertEquals(badBlock.status, 400);
  assertStringIncludes(badBlock.json.error.message, "messages.0.content.0.type");
  const badRole = await post("/v1/messages", {
    ...ASK,
    messages: [{ role: "tool", content: "x" }],
  });
  assertStringIncludes(badRole.json.error.message, "messages.0.role");
  const badThinking = await post("/v1/messages", { ...ASK, thinking: { type: "sometimes" } });
  assertEquals(badThinking.json.error.type, "invalid_request_error");
  const unknownBackend = await post("/v1/messages", { ...ASK, model: "nosuch:gpt-5.4" });
  assertEquals(unknownBackend.status, 404);
  assertEquals(unknownBackend.json.error.type, "not_found_error");
  const noRoute = await post("/v1/messages/batches", {});
  assertEquals(noRoute.status, 404);
  assertEquals(noRoute.json.type, "error");
  assertEquals(noRoute.json.error.type, "not_found_error");
  const wrongMethod = await fetch(`${proxy.url}/v1/messages`);
  assertEquals(wrongMethod.status, 405);
  assertEquals((await wrongMethod.json()).error.type, "invalid_request_error");
  const badJson = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{nope",
  });
  assertEquals(badJson.status, 400);
  assertEquals((await badJson.json()).error.type, "invalid_request_error");
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("anthropic: unknown and refused parameters are dropped, never forwarded", async () => {
  await using proxy = await startProxy();
  const res = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-ant-whatever" },
    body: JSON.stringify({
      ...ASK,
      temperature: 1,
      top_p: 0.9,
      top_k: 5,
      metadata: { user_id: "user_abc_account__session_0a1b2c3d-4e5f-6789-abcd-ef0123456789" },
      context_management: { edits: [] },
      service_tier: "auto",
    }),
  });
  assertEquals(res.status, 200);
  assertEquals((await res.json()).content, [{ type: "text", text: "Echo: hi" }]);
  const body = proxy.fake.calls[0].body!;
  for (const key of ["temperature", "top_p", "top_k", "metadata", "max_tokens", "service_tier"]) {
    assert(!(key in body), key);
  }
  // Claude Code's session id keys the upstream prompt cache.
  assertEquals(body.prompt_cache_key, "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  assertEquals(proxy.fake.calls[0].headers["session-id"], "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  // The client's key never goes upstream.
  assert(!JSON.stringify(proxy.fake.calls[0].headers).includes("sk-ant-whatever"));
});
