/**
 * Capabilities through the Anthropic Messages frontend (npm:@anthropic-ai/sdk):
 * the reactor, tool calls as text, prompt_mode, and a bad override in
 * Anthropic's error shape.
 */
import Anthropic from "@anthropic-ai/sdk";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { CALL_ID, CONFIG, reply, SHELL_ARGS } from "./capability_rows.ts";

const SHELL_TOOL = {
  name: "shell",
  description: "Run a command",
  input_schema: {
    type: "object" as const,
    properties: { command: { type: "array", items: { type: "string" } } },
    required: ["command"],
  },
};

function client(url: string): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: "unused", maxRetries: 0 });
}

const PARAMS = {
  model: "gpt-5.4",
  max_tokens: 200,
  system: "Be terse.",
  tools: [SHELL_TOOL],
  messages: [{ role: "user" as const, content: "clean up" }],
};

async function streamed(c: Anthropic, headers: Record<string, string>) {
  const stream = await c.messages.create({ ...PARAMS, stream: true }, { headers });
  const blocks: string[] = [];
  let text = "";
  let stopReason: string | null = null;
  for await (const event of stream) {
    if (event.type === "content_block_start") blocks.push(event.content_block.type);
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
      text += event.delta.text;
    }
    if (event.type === "message_delta") stopReason = event.delta.stop_reason;
  }
  return { blocks, text, stopReason };
}

Deno.test("anthropic: a blocked call becomes the refusal text, streamed and not", async () => {
  await using proxy = await startProxy({ configYaml: CONFIG });
  const c = client(proxy.url);
  const headers = { "x-codex-capabilities": '{"bypass_tool_call_reactor":false}' };
  proxy.fake.enqueue(reply("call"));
  const live = await streamed(c, headers);
  assertEquals(live, {
    blocks: ["text"],
    text: "Refused by no-rm-rf-root: not deleting /.",
    stopReason: "end_turn",
  });
  proxy.fake.enqueue(reply("call"));
  const message = await c.messages.create(PARAMS, { headers });
  assertEquals(
    message.content.map((b) => b.type === "text" ? { type: b.type, text: b.text } : b.type),
    [{ type: "text", text: "Refused by no-rm-rf-root: not deleting /." }],
  );
  assertEquals(message.stop_reason, "end_turn");
  // Without the override the same call is a tool_use block.
  proxy.fake.enqueue(reply("call"));
  const plain = await c.messages.create(PARAMS);
  assertEquals(plain.stop_reason, "tool_use");
  const use = plain.content.find((b) => b.type === "tool_use");
  assert(use && use.type === "tool_use");
  assertEquals([use.id, use.name, use.input], [CALL_ID, "shell", JSON.parse(SHELL_ARGS)]);
});

Deno.test("anthropic: tool_text_format xml and prompt_mode custom_only", async () => {
  await using proxy = await startProxy({ configYaml: CONFIG });
  const c = client(proxy.url);
  proxy.fake.enqueue(reply("call"));
  const live = await streamed(c, {
    "x-codex-capabilities": '{"tool_text_format":"xml","prompt_mode":"custom_only"}',
  });
  assertEquals(live, {
    blocks: ["text"],
    text: `<tool_call name="shell" call_id="${CALL_ID}">${SHELL_ARGS}</tool_call>`,
    stopReason: "end_turn",
  });
  assertEquals(proxy.fake.calls[0].body!.instructions, "Be terse.");
});

Deno.test("anthropic: a bad override is a 400 in Anthropic's error shape", async () => {
  await using proxy = await startProxy();
  const res = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ ...PARAMS, codex_capabilities: { prompt_mode: "bogus" } }),
  });
  assertEquals(res.status, 400);
  const body = await res.json();
  assertEquals(body.type, "error");
  assertEquals(body.error.type, "invalid_request_error");
  assertStringIncludes(
    body.error.message,
    "codex_capabilities.prompt_mode: expected one of codex_default, merge_custom, custom_only",
  );
  assertEquals(proxy.fake.calls.length, 0);
});
