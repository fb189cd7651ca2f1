import { assert, assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { openaiClient, upstreamBody, userItem } from "./_helpers.ts";
import type OpenAI from "openai";

const WEATHER_TOOL: OpenAI.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    },
  },
};

const WEATHER_UPSTREAM = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: WEATHER_TOOL.function.parameters,
  strict: false,
};

/** Streams a chat request with the SDK and collects what the client saw. */
async function streamTurn(
  client: OpenAI,
  params: Omit<OpenAI.ChatCompletionCreateParamsStreaming, "stream" | "model">,
) {
  const stream = await client.chat.completions.create({
    model: "gpt-5.4",
    stream: true,
    ...params,
  });
  const calls: { id?: string; name?: string; fragments: string[] }[] = [];
  let content = "";
  let finish: string | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    content += choice.delta.content ?? "";
    for (const tc of choice.delta.tool_calls ?? []) {
      calls[tc.index] ??= { fragments: [] };
      if (tc.id) calls[tc.index].id = tc.id;
      if (tc.function?.name) calls[tc.index].name = tc.function.name;
      if (tc.function?.arguments) calls[tc.index].fragments.push(tc.function.arguments);
    }
    finish = choice.finish_reason ?? finish;
  }
  return { calls, content, finish };
}

Deno.test("chat tools: streamed round trip, arguments in ≥3 fragments, result verbatim, final answer", async () => {
  await using proxy = await startProxy();
  const args = JSON.stringify({ city: "Paris", unit: "celsius" });
  proxy.fake.enqueue(
    {
      kind: "events",
      events: new ScriptBuilder().toolCall("get_weather", args, {
        callId: "call_weather_1",
        fragments: 4,
      }).completed(),
    },
    { kind: "events", events: new ScriptBuilder().text("It is 18 °C in Paris.").completed() },
  );
  const client = openaiClient(proxy);
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: "user", content: "Weather in Paris?" },
  ];
  const first = await streamTurn(client, { messages, tools: [WEATHER_TOOL] });
  assertEquals(first.finish, "tool_calls");
  assertEquals(first.calls.length, 1);
  assertEquals(first.calls[0].id, "call_weather_1");
  assertEquals(first.calls[0].name, "get_weather");
  assert(first.calls[0].fragments.length >= 3, `fragments: ${first.calls[0].fragments.length}`);
  assertEquals(first.calls[0].fragments.join(""), args);

  // The client runs the tool and sends the result back.
  const toolResult = "18 °C, light rain";
  messages.push(
    {
      role: "assistant",
      content: null,
      tool_calls: [{
        id: "call_weather_1",
        type: "function",
        function: { name: "get_weather", arguments: first.calls[0].fragments.join("") },
      }],
    },
    { role: "tool", tool_call_id: "call_weather_1", content: toolResult },
  );
  const second = await streamTurn(client, { messages, tools: [WEATHER_TOOL] });
  assertEquals(second.content, "It is 18 °C in Paris.");
  assertEquals(second.finish, "stop");

  const body = proxy.fake.calls[1].body;
  assertEquals(
    body,
    upstreamBody(body, {
      input: [
        userItem("Weather in Paris?"),
        { type: "function_call", call_id: "call_weather_1", name: "get_weather", arguments: args },
        { type: "function_call_output", call_id: "call_weather_1", output: toolResult },
      ],
      tools: [WEATHER_UPSTREAM],
    }),
  );
  // Both turns of one conversation share the cache key.
  assertEquals(proxy.fake.calls[0].body!.prompt_cache_key, body!.prompt_cache_key);
});

Deno.test("chat tools: two parallel calls stream with their own index, non-streaming lists both", async () => {
  await using proxy = await startProxy();
  const script = () =>
    new ScriptBuilder()
      .toolCall("get_weather", '{"city":"Paris"}', { callId: "call_a" })
      .toolCall("get_weather", '{"city":"Rome"}', { callId: "call_b" })
      .completed();
  proxy.fake.enqueue({ kind: "events", events: script() }, { kind: "events", events: script() });
  const client = openaiClient(proxy);
  const params = {
    messages: [{ role: "user" as const, content: "Paris and Rome?" }],
    tools: [WEATHER_TOOL],
    parallel_tool_calls: true,
  };
  const streamed = await streamTurn(client, params);
  assertEquals(streamed.finish, "tool_calls");
  assertEquals(
    streamed.calls.map((c) => [c.id, c.name, c.fragments.join("")]),
    [["call_a", "get_weather", '{"city":"Paris"}'], ["call_b", "get_weather", '{"city":"Rome"}']],
  );
  const completion = await client.chat.completions.create({ model: "gpt-5.4", ...params });
  assertEquals(completion.choices[0].finish_reason, "tool_calls");
  assertEquals(completion.choices[0].message.content, null);
  assertEquals(completion.choices[0].message.tool_calls, [
    {
      id: "call_a",
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Paris"}' },
    },
    {
      id: "call_b",
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Rome"}' },
    },
  ]);
  assertEquals(proxy.fake.calls[0].body!.parallel_tool_calls, true);
});

Deno.test("chat tools: tool_choice named and none, parallel_tool_calls false, honoured upstream", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(
    { kind: "events", events: new ScriptBuilder().toolCall("get_weather", "{}").completed() },
    { kind: "events", events: new ScriptBuilder().text("No tools used.").completed() },
  );
  const client = openaiClient(proxy);
  const named = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "go" }],
    tools: [WEATHER_TOOL],
    tool_choice: { type: "function", function: { name: "get_weather" } },
    parallel_tool_calls: false,
  });
  assertEquals(named.choices[0].message.tool_calls, [
    {
      id: named.choices[0].message.tool_calls![0].id,
      type: "function",
      function: { name: "get_weather", arguments: "{}" },
    },
  ]);
  const none = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "go" }],
    tools: [WEATHER_TOOL],
    tool_choice: "none",
  });
  assertEquals(none.choices[0].message.content, "No tools used.");
  assertEquals(none.choices[0].finish_reason, "stop");

  const [first, second] = proxy.fake.calls.map((c) => c.body);
  assertEquals(
    first,
    upstreamBody(first, {
      input: [userItem("go")],
      tools: [WEATHER_UPSTREAM],
      tool_choice: { type: "function", name: "get_weather" },
      parallel_tool_calls: false,
    }),
  );
  assertEquals(
    second,
    upstreamBody(second, {
      input: [userItem("go")],
      tools: [WEATHER_UPSTREAM],
      tool_choice: "none",
    }),
  );
});

Deno.test("chat tools: a 70-character tool name goes up safe and comes back as the client's name", async () => {
  await using proxy = await startProxy();
  const longName = "mcp__filesystem__read_text_file_with_options_and_some_more_description";
  assertEquals(longName.length, 70);
  const tool: OpenAI.ChatCompletionTool = {
    type: "function",
    function: { name: longName, parameters: { type: "object", properties: {} } },
  };
  let upstreamName = "";
  proxy.fake.respond((request) => {
    upstreamName = (request.body!.tools as { name: string }[])[0].name;
    return {
      kind: "events",
      events: new ScriptBuilder().toolCall(upstreamName, '{"path":"a.txt"}', { callId: "call_l" })
        .completed(),
    };
  });
  const client = openaiClient(proxy);
  const params = {
    messages: [{ role: "user" as const, content: "read" }],
    tools: [tool],
    tool_choice: { type: "function" as const, function: { name: longName } },
  };
  const streamed = await streamTurn(client, params);
  assertEquals(streamed.calls[0].name, longName);
  const completion = await client.chat.completions.create({ model: "gpt-5.4", ...params });
  assertEquals(completion.choices[0].message.tool_calls, [
    { id: "call_l", type: "function", function: { name: longName, arguments: '{"path":"a.txt"}' } },
  ]);

  assert(upstreamName.length <= 64 && /^[a-zA-Z0-9_-]+$/.test(upstreamName), upstreamName);
  assert(upstreamName.startsWith("mcp__filesystem__read_text_file"), upstreamName);
  const body = proxy.fake.calls[0].body;
  assertEquals(
    body,
    upstreamBody(body, {
      input: [userItem("read")],
      tools: [{
        type: "function",
        name: upstreamName,
        parameters: { type: "object", properties: {} },
        strict: false,
      }],
      tool_choice: { type: "function", name: upstreamName },
    }),
  );
  // Same name on the next turn, including the replayed call in history.
  await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [
      { role: "user", content: "read" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "call_l",
          type: "function",
          function: { name: longName, arguments: "{}" },
        }],
      },
      { role: "tool", tool_call_id: "call_l", content: "file text" },
    ],
    tools: [tool],
  });
  const third = proxy.fake.calls[2].body!;
  assertEquals((third.tools as { name: string }[])[0].name, upstreamName);
  assertEquals((third.input as { name?: string }[])[1].name, upstreamName);
});
