import Anthropic from "@anthropic-ai/sdk";
import { assert, assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";

const ASK = {
  model: "claude-sonnet-5",
  max_tokens: 10,
  messages: [{ role: "user" as const, content: "hi" }],
};

Deno.test("anthropic: with server.api_key, x-api-key and Bearer both work; errors are Anthropic-shaped", async () => {
  await using proxy = await startProxy({ configYaml: "server:\n  api_key: sekrit\n" });
  const viaApiKey = new Anthropic({ baseURL: proxy.url, apiKey: "sekrit", maxRetries: 0 });
  const viaToken = new Anthropic({
    baseURL: proxy.url,
    apiKey: null,
    authToken: "sekrit",
    maxRetries: 0,
  });
  assertEquals(
    (await viaApiKey.messages.create(ASK)).content,
    [{ type: "text", text: "Echo: hi" }] as unknown,
  );
  assertEquals(
    (await viaToken.messages.create(ASK)).content,
    [{ type: "text", text: "Echo: hi" }] as unknown,
  );

  const wrong = new Anthropic({ baseURL: proxy.url, apiKey: "nope", maxRetries: 0 });
  try {
    await wrong.messages.create(ASK);
    throw new Error("expected 401");
  } catch (err) {
    assert(err instanceof Anthropic.AuthenticationError, String(err));
    const body = err.error as { type: string; error: { type: string } };
    assertEquals(body.type, "error");
    assertEquals(body.error.type, "authentication_error");
  }
  const count = await fetch(`${proxy.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ASK),
  });
  assertEquals(count.status, 401);
  assertEquals((await count.json()).error.type, "authentication_error");
  assertEquals(proxy.fake.calls.length, 2);
});

Deno.test("anthropic: a tool name the backend refuses goes up renamed and comes back as sent", async () => {
  await using proxy = await startProxy();
  const longName = `mcp__${"very_long_server_name_".repeat(3)}__fetch_the_whole_page`;
  assert(longName.length > 64);
  proxy.fake.respond((request) => {
    const tools = request.body!.tools as { name: string }[];
    return {
      kind: "events",
      events: new ScriptBuilder().toolCall(tools[0].name, '{"url":"x"}', { callId: "call_m" })
        .completed(),
    };
  });
  const c = new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 });
  const params = {
    ...ASK,
    tools: [{ name: longName, input_schema: { type: "object" as const } }],
  };
  const whole = await c.messages.create(params);
  const streamed = await c.messages.stream(params).finalMessage();
  for (const message of [whole, streamed]) {
    assertEquals(message.content, [
      { type: "tool_use", id: "call_m", name: longName, input: { url: "x" } },
    ] as unknown);
  }
  const sent = (proxy.fake.calls[0].body!.tools as { name: string }[])[0].name;
  assert(sent !== longName && sent.length <= 64 && /^[a-zA-Z0-9_-]+$/.test(sent), sent);
});
