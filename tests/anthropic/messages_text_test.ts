import Anthropic from "@anthropic-ai/sdk";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";

function client(url: string): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: "unused", maxRetries: 0 });
}

Deno.test("anthropic: SDK non-streaming text, exact upstream body, usage", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("Hello there, friend!", { chunks: 4 })
      .usage({ input_tokens: 120, cached_tokens: 100, output_tokens: 9, reasoning_tokens: 3 })
      .completed(),
  });
  const message = await client(proxy.url).messages.create({
    model: "claude-sonnet-5-5-20261001",
    max_tokens: 1024,
    system: [
      { type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "Answer in English." },
    ],
    messages: [{ role: "user", content: "Say hello" }],
    metadata: { user_id: "someone" },
  });
  assertEquals(message.type, "message");
  assertEquals(message.role, "assistant");
  assertEquals(message.model, "claude-sonnet-5-5-20261001");
  assertMatch(message.id, /^msg_[0-9a-f]{32}$/);
  assertEquals(message.content, [{ type: "text", text: "Hello there, friend!" }] as unknown);
  assertEquals(message.stop_reason, "end_turn");
  assertEquals(message.stop_sequence, null);
  assertEquals(message.usage.input_tokens, 20);
  assertEquals(message.usage.cache_read_input_tokens, 100);
  assertEquals(message.usage.cache_creation_input_tokens, 0);
  assertEquals(message.usage.output_tokens, 9);

  assertEquals(proxy.fake.calls.length, 1);
  const body = proxy.fake.calls[0].body!;
  assertEquals(body, {
    model: "gpt-5.4",
    instructions: "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.",
    input: [
      {
        type: "message",
        role: "developer",
        content: [{ type: "input_text", text: "You are terse.\n\nAnswer in English." }],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Say hello" }] },
    ],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: true,
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: body.prompt_cache_key,
  });
});

Deno.test("anthropic: SDK streaming text, events in Anthropic's order", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("one two three four", { chunks: 4 })
      .usage({ input_tokens: 30, cached_tokens: 0, output_tokens: 4 }).completed(),
  });
  const stream = await client(proxy.url).messages.create({
    model: "claude-sonnet-5",
    max_tokens: 100,
    messages: [{ role: "user", content: "count" }],
    stream: true,
  });
  const types: string[] = [];
  const texts: string[] = [];
  let finalUsage: unknown;
  let stopReason: string | null = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
      texts.push(event.delta.text);
      assertEquals(event.index, 0);
    }
    if (event.type === "message_start") {
      assertEquals(event.message.model, "claude-sonnet-5");
      assertEquals(event.message.content, []);
      assertEquals(event.message.usage.output_tokens, 0);
    }
    if (event.type === "message_delta") {
      finalUsage = event.usage;
      stopReason = event.delta.stop_reason;
    }
  }
  assertEquals(types, [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  assertEquals(texts.length, 4);
  assertEquals(texts.join(""), "one two three four");
  assertEquals(stopReason, "end_turn");
  assertEquals(finalUsage, {
    input_tokens: 30,
    output_tokens: 4,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  });
});

Deno.test("anthropic: the raw stream has event lines, a ping after message_start, message_stop last", async () => {
  await using proxy = await startProxy();
  const res = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    }),
  });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const frames = (await res.text()).split("\n\n").filter((f) => f !== "");
  const parsed = frames.map((f) => {
    const [eventLine, dataLine] = f.split("\n");
    const event = eventLine.replace(/^event: /, "");
    const data = JSON.parse(dataLine.replace(/^data: /, ""));
    assertEquals(data.type, event, "event: line and data.type agree");
    return data;
  });
  assertEquals(parsed.map((d) => d.type).slice(0, 3), [
    "message_start",
    "ping",
    "content_block_start",
  ]);
  assertEquals(parsed.at(-1), { type: "message_stop" });
  const text = parsed.filter((d) => d.type === "content_block_delta").map((d) => d.delta.text);
  assertEquals(text.join(""), "Echo: hi");
  // claude haiku → the small model, with no config at all.
  assertEquals(proxy.fake.calls[0].body!.model, "gpt-5.4-mini");
});

Deno.test("anthropic: SDK messages.stream() accumulates the final message", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("accumulated answer", { chunks: 5 }));
  const stream = client(proxy.url).messages.stream({
    model: "claude-opus-5",
    max_tokens: 64,
    messages: [{ role: "user", content: "go" }],
  });
  const seen: string[] = [];
  stream.on("text", (delta) => seen.push(delta));
  const final = await stream.finalMessage();
  assertEquals(seen.join(""), "accumulated answer");
  assertEquals(seen.length, 5);
  assertEquals(final.content, [{ type: "text", text: "accumulated answer" }] as unknown);
  assertEquals(final.usage.input_tokens, 12);
  assertEquals(final.usage.output_tokens, 7);
  assertEquals(proxy.fake.calls[0].body!.model, "gpt-5.4");
});

Deno.test("anthropic: config aliases override the built-in claude-* routing", async () => {
  await using proxy = await startProxy({
    configYaml: "aliases:\n  claude-sonnet: gpt-5.4-mini\n  claude-opus-5: gpt-5.4-high\n",
  });
  const c = client(proxy.url);
  const ask = (model: string) =>
    c.messages.create({ model, max_tokens: 5, messages: [{ role: "user", content: "x" }] });
  await ask("claude-sonnet-5");
  await ask("claude-opus-5");
  await ask("claude-3-5-haiku-20241022");
  await ask("gpt-5.4");
  assertEquals(proxy.fake.calls.map((c) => c.body!.model), [
    "gpt-5.4-mini",
    "gpt-5.4",
    "gpt-5.4-mini",
    "gpt-5.4",
  ]);
  assertEquals(proxy.fake.calls[1].body!.reasoning, { effort: "high" });
});

Deno.test("anthropic: stop_sequences cut the answer, stop_reason stop_sequence", async () => {
  await using proxy = await startProxy();
  const script = () => ({
    kind: "events" as const,
    events: new ScriptBuilder().text(["alpha be", "ta ST", "OP gamma"]).completed(),
  });
  proxy.fake.enqueue(script(), script());
  const c = client(proxy.url);
  const params = {
    model: "claude-sonnet-5",
    max_tokens: 50,
    stop_sequences: ["STOP", "never"],
    messages: [{ role: "user" as const, content: "go" }],
  };
  const whole = await c.messages.create(params);
  assertEquals(whole.content, [{ type: "text", text: "alpha beta " }] as unknown);
  assertEquals(whole.stop_reason, "stop_sequence");
  assertEquals(whole.stop_sequence, "STOP");

  const streamed = await c.messages.stream(params).finalMessage();
  assertEquals(streamed.content, [{ type: "text", text: "alpha beta " }] as unknown);
  assertEquals(streamed.stop_reason, "stop_sequence");
  assertEquals(streamed.stop_sequence, "STOP");
  // Never forwarded: the backend has no stop parameter.
  assert(!("stop" in proxy.fake.calls[1].body!));
});

Deno.test("anthropic: incomplete upstream → stop_reason max_tokens", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("cut o").incomplete("max_output_tokens"),
  });
  const message = await client(proxy.url).messages.create({
    model: "claude-sonnet-5",
    max_tokens: 5,
    messages: [{ role: "user", content: "long" }],
  });
  assertEquals(message.stop_reason, "max_tokens");
  assertEquals(message.content, [{ type: "text", text: "cut o" }] as unknown);
});
