import Anthropic from "@anthropic-ai/sdk";
import { assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";

function client(url: string): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: "unused", maxRetries: 0 });
}

const TOOL = {
  name: "read_file",
  description: "Read a file",
  input_schema: { type: "object" as const, properties: { path: { type: "string" } } },
};

Deno.test("anthropic: thinking → thinking blocks with signature; replayed as reasoning next turn", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(
    {
      kind: "events",
      events: new ScriptBuilder()
        .reasoning(["First I look at the file.", "Then I answer."], {
          encrypted: "gAAAA-encrypted-one",
        })
        .toolCall("read_file", '{"path":"a.txt"}', { callId: "call_read" })
        .completed(),
    },
    {
      kind: "events",
      events: new ScriptBuilder().reasoning(["Done."], { encrypted: "gAAAA-encrypted-two" })
        .text("The file says hi.").completed(),
    },
  );
  const c = client(proxy.url);
  const first = await c.messages.stream({
    model: "claude-opus-5",
    max_tokens: 20000,
    thinking: { type: "enabled", budget_tokens: 10000 },
    tools: [TOOL],
    messages: [{ role: "user", content: "What is in a.txt?" }],
  }).finalMessage();
  assertEquals(first.content, [
    {
      type: "thinking",
      thinking: "First I look at the file.\n\nThen I answer.",
      signature: "gAAAA-encrypted-one",
    },
    { type: "tool_use", id: "call_read", name: "read_file", input: { path: "a.txt" } },
  ] as unknown);
  assertEquals(first.stop_reason, "tool_use");
  assertEquals(proxy.fake.calls[0].body!.reasoning, { effort: "medium", summary: "auto" });

  const second = await c.messages.create({
    model: "claude-opus-5",
    max_tokens: 20000,
    thinking: { type: "enabled", budget_tokens: 10000 },
    tools: [TOOL],
    messages: [
      { role: "user", content: "What is in a.txt?" },
      { role: "assistant", content: first.content },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "call_read", content: "hi" }],
      },
    ],
  });
  assertEquals(second.content, [
    { type: "thinking", thinking: "Done.", signature: "gAAAA-encrypted-two" },
    { type: "text", text: "The file says hi." },
  ] as unknown);
  assertEquals((proxy.fake.calls[1].body!.input as unknown[]).slice(1), [
    {
      type: "reasoning",
      encrypted_content: "gAAAA-encrypted-one",
      summary: [{ type: "summary_text", text: "First I look at the file.\n\nThen I answer." }],
    },
    {
      type: "function_call",
      call_id: "call_read",
      name: "read_file",
      arguments: '{"path":"a.txt"}',
    },
    { type: "function_call_output", call_id: "call_read", output: "hi" },
  ]);
});

Deno.test("anthropic: thinking stream shape: thinking_delta then one signature_delta", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().reasoning(["Hmm, let me see."], {
      encrypted: "gAAAA-sig",
      chunks: 3,
    }).text("Answer.").completed(),
  });
  const stream = await client(proxy.url).messages.create({
    model: "claude-sonnet-5",
    max_tokens: 4000,
    thinking: { type: "adaptive" },
    messages: [{ role: "user", content: "q" }],
    stream: true,
  });
  const seen: string[] = [];
  for await (const event of stream) {
    if (event.type === "content_block_start") {
      seen.push(`start:${event.index}:${event.content_block.type}`);
    } else if (event.type === "content_block_delta") {
      seen.push(`delta:${event.index}:${event.delta.type}`);
    } else if (event.type === "content_block_stop") seen.push(`stop:${event.index}`);
  }
  assertEquals(seen, [
    "start:0:thinking",
    "delta:0:thinking_delta",
    "delta:0:thinking_delta",
    "delta:0:thinking_delta",
    "delta:0:signature_delta",
    "stop:0",
    "start:1:text",
    "delta:1:text_delta",
    "delta:1:text_delta",
    "delta:1:text_delta",
    "stop:1",
  ]);
  // adaptive: the model's default effort, summaries on.
  assertEquals(proxy.fake.calls[0].body!.reasoning, { summary: "auto" });
});

Deno.test("anthropic: reasoning without a summary → redacted_thinking, replayed from data", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().reasoning([], { encrypted: "gAAAA-hidden" }).text("Ok.")
      .completed(),
  }, {
    kind: "events",
    events: new ScriptBuilder().reasoning([], { encrypted: "gAAAA-hidden" }).text("Ok.")
      .completed(),
  });
  const c = client(proxy.url);
  const params = {
    model: "claude-sonnet-5",
    max_tokens: 20000,
    thinking: { type: "enabled" as const, budget_tokens: 16384 },
    messages: [{ role: "user" as const, content: "q" }],
  };
  const whole = await c.messages.create(params);
  const streamed = await c.messages.stream(params).finalMessage();
  const expected = [
    { type: "redacted_thinking", data: "gAAAA-hidden" },
    { type: "text", text: "Ok." },
  ];
  assertEquals(whole.content, expected as unknown);
  assertEquals(streamed.content, expected as unknown);
  assertEquals(proxy.fake.calls[0].body!.reasoning, { effort: "high", summary: "auto" });

  await c.messages.create({
    ...params,
    messages: [...params.messages, { role: "assistant", content: whole.content }, {
      role: "user",
      content: "more",
    }],
  });
  assertEquals((proxy.fake.calls[2].body!.input as unknown[])[1], {
    type: "reasoning",
    encrypted_content: "gAAAA-hidden",
    summary: [],
  });
});

Deno.test("anthropic: thinking off → no thinking blocks; effort from output_config", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().reasoning(["secret"]).text("Plain.").completed(),
  }, {
    kind: "events",
    events: new ScriptBuilder().reasoning(["secret"]).text("Plain.").completed(),
  });
  const c = client(proxy.url);
  const whole = await c.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 100,
    messages: [{ role: "user", content: "q" }],
  });
  assertEquals(whole.content, [{ type: "text", text: "Plain." }] as unknown);
  assertEquals(proxy.fake.calls[0].body!.reasoning, undefined);
  const streamed = await c.messages.stream({
    model: "claude-sonnet-5",
    max_tokens: 100,
    output_config: { effort: "max" },
    thinking: { type: "disabled" },
    messages: [{ role: "user", content: "q" }],
  }).finalMessage();
  assertEquals(streamed.content, [{ type: "text", text: "Plain." }] as unknown);
  assertEquals(proxy.fake.calls[1].body!.reasoning, { effort: "xhigh" });
});
