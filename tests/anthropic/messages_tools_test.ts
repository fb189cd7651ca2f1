import Anthropic from "@anthropic-ai/sdk";
import { assert, assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";

function client(url: string): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: "unused", maxRetries: 0 });
}

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

Deno.test("anthropic: tool round trip, input_json_delta streamed in fragments, result sent back", async () => {
  await using proxy = await startProxy();
  const args = JSON.stringify({ city: "Paris", units: "metric" });
  proxy.fake.enqueue(
    {
      kind: "events",
      events: new ScriptBuilder().text("Let me check.").toolCall("get_weather", args, {
        callId: "call_weather_1",
        fragments: 4,
      }).completed(),
    },
    {
      kind: "events",
      events: new ScriptBuilder().text("It is 18 °C in Paris.").completed(),
    },
  );
  const c = client(proxy.url);
  const stream = await c.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 200,
    tools: [WEATHER_TOOL],
    tool_choice: { type: "auto" },
    messages: [{ role: "user", content: "Weather in Paris?" }],
    stream: true,
  });
  const fragments: string[] = [];
  const starts: unknown[] = [];
  let stopReason: string | null = null;
  for await (const event of stream) {
    if (event.type === "content_block_start") starts.push(event.content_block);
    if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
      assertEquals(event.index, 1);
      fragments.push(event.delta.partial_json);
    }
    if (event.type === "message_delta") stopReason = event.delta.stop_reason;
  }
  assertEquals(starts, [
    { type: "text", text: "" },
    { type: "tool_use", id: "call_weather_1", name: "get_weather", input: {} },
  ]);
  assert(fragments.length >= 3, `expected ≥3 fragments, got ${fragments.length}`);
  assertEquals(fragments.join(""), args);
  assertEquals(stopReason, "tool_use");

  const first = proxy.fake.calls[0].body!;
  assertEquals(first.tools, [{
    type: "function",
    name: "get_weather",
    description: "Weather for a city",
    parameters: WEATHER_TOOL.input_schema,
    strict: false,
  }]);
  assertEquals(first.tool_choice, "auto");

  const answer = await c.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 200,
    tools: [WEATHER_TOOL],
    messages: [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          {
            type: "tool_use",
            id: "call_weather_1",
            name: "get_weather",
            input: { city: "Paris", units: "metric" },
          },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_weather_1", content: "18 C, sunny" },
          { type: "text", text: "Answer briefly." },
        ],
      },
    ],
  });
  assertEquals(answer.content, [{ type: "text", text: "It is 18 °C in Paris." }] as unknown);
  assertEquals(answer.stop_reason, "end_turn");
  assertEquals((proxy.fake.calls[1].body!.input as unknown[]).slice(1), [
    {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "Let me check." }],
    },
    {
      type: "function_call",
      call_id: "call_weather_1",
      name: "get_weather",
      arguments: args,
    },
    { type: "function_call_output", call_id: "call_weather_1", output: "18 C, sunny" },
    { type: "message", role: "user", content: [{ type: "input_text", text: "Answer briefly." }] },
  ]);
});

Deno.test("anthropic: two tool calls in one answer, streamed and not", async () => {
  await using proxy = await startProxy();
  const script = () => ({
    kind: "events" as const,
    events: new ScriptBuilder()
      .toolCall("get_weather", '{"city":"Oslo"}', { callId: "call_a", fragments: 3 })
      .toolCall("get_weather", '{"city":"Rome"}', { callId: "call_b", fragments: 3 })
      .completed(),
  });
  proxy.fake.enqueue(script(), script());
  const c = client(proxy.url);
  const params = {
    model: "claude-opus-5",
    max_tokens: 100,
    tools: [WEATHER_TOOL],
    tool_choice: { type: "any" as const, disable_parallel_tool_use: false },
    messages: [{ role: "user" as const, content: "Oslo and Rome?" }],
  };
  const whole = await c.messages.create(params);
  assertEquals(whole.content, [
    { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Oslo" } },
    { type: "tool_use", id: "call_b", name: "get_weather", input: { city: "Rome" } },
  ] as unknown);
  assertEquals(whole.stop_reason, "tool_use");
  assertEquals(proxy.fake.calls[0].body!.tool_choice, "required");
  assertEquals(proxy.fake.calls[0].body!.parallel_tool_calls, true);

  const streamed = await c.messages.stream(params).finalMessage();
  assertEquals(streamed.content, whole.content);
  assertEquals(streamed.stop_reason, "tool_use");

  // Both results go back, each after its call.
  await c.messages.create({
    ...params,
    messages: [
      ...params.messages,
      { role: "assistant", content: whole.content },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_a", content: [{ type: "text", text: "-2 C" }] },
          { type: "tool_result", tool_use_id: "call_b", content: "boom", is_error: true },
        ],
      },
    ],
  });
  assertEquals((proxy.fake.calls[2].body!.input as unknown[]).slice(1), [
    { type: "function_call", call_id: "call_a", name: "get_weather", arguments: '{"city":"Oslo"}' },
    { type: "function_call", call_id: "call_b", name: "get_weather", arguments: '{"city":"Rome"}' },
    { type: "function_call_output", call_id: "call_a", output: "-2 C" },
    { type: "function_call_output", call_id: "call_b", output: "Error: boom" },
  ]);
});

Deno.test("anthropic: tool_choice tool / none and disable_parallel_tool_use", async () => {
  await using proxy = await startProxy();
  const c = client(proxy.url);
  const base = {
    model: "claude-sonnet-5",
    max_tokens: 10,
    tools: [WEATHER_TOOL],
    messages: [{ role: "user" as const, content: "x" }],
  };
  await c.messages.create({
    ...base,
    tool_choice: { type: "tool", name: "get_weather", disable_parallel_tool_use: true },
  });
  await c.messages.create({ ...base, tool_choice: { type: "none" } });
  assertEquals(proxy.fake.calls[0].body!.tool_choice, { type: "function", name: "get_weather" });
  assertEquals(proxy.fake.calls[0].body!.parallel_tool_calls, false);
  assertEquals(proxy.fake.calls[1].body!.tool_choice, "none");
});

Deno.test("anthropic: images (base64 and url) in messages and in a tool result", async () => {
  await using proxy = await startProxy();
  const png =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  const c = client(proxy.url);
  const message = await c.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 50,
    messages: [{
      role: "user",
      content: [
        { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
        { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        { type: "text", text: "What is in these images?" },
      ],
    }],
  });
  assertEquals(
    message.content,
    [{ type: "text", text: "Echo: What is in these images?" }] as unknown,
  );
  assertEquals(proxy.fake.calls[0].body!.input, [{
    type: "message",
    role: "user",
    content: [
      { type: "input_image", image_url: `data:image/png;base64,${png}` },
      { type: "input_image", image_url: "https://example.com/cat.jpg" },
      { type: "input_text", text: "What is in these images?" },
    ],
  }]);

  await c.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 50,
    messages: [
      { role: "user", content: "take a screenshot" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "call_shot", name: "screenshot", input: {} }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "call_shot",
          content: [
            { type: "text", text: "here" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
          ],
        }],
      },
    ],
  });
  assertEquals((proxy.fake.calls[1].body!.input as unknown[]).at(-1), {
    type: "function_call_output",
    call_id: "call_shot",
    output: [
      { type: "input_text", text: "here" },
      { type: "input_image", image_url: `data:image/png;base64,${png}` },
    ],
  });
});
