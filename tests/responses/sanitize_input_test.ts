import { assertEquals } from "../support/assert.ts";
import OpenAI from "openai";
import type { InputItem } from "../../src/request/request_model.ts";
import { MISSING_OUTPUT_TEXT, sanitizeInput } from "../../src/translate/sanitize_input.ts";
import { validateBody } from "../support/fake_codex.ts";
import { startProxy } from "../support/harness.ts";

const user = (text: string): InputItem => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});

Deno.test("sanitizeInput() strips item ids and keeps everything else", () => {
  const { input, notes } = sanitizeInput([
    { type: "message", id: "msg_1", role: "user", content: [{ type: "input_text", text: "hi" }] },
    {
      type: "function_call",
      id: "fc_1",
      status: "completed",
      call_id: "call_1",
      name: "f",
      arguments: "{}",
    },
    { type: "function_call_output", id: "fco_1", call_id: "call_1", output: "ok" },
    { type: "reasoning", id: "rs_1", encrypted_content: "gAAA", summary: [] },
  ]);
  assertEquals(input, [
    user("hi"),
    { type: "function_call", status: "completed", call_id: "call_1", name: "f", arguments: "{}" },
    { type: "function_call_output", call_id: "call_1", output: "ok" },
    { type: "reasoning", encrypted_content: "gAAA", summary: [] },
  ]);
  assertEquals(notes, []);
});

Deno.test("sanitizeInput() drops reasoning items without encrypted_content", () => {
  const { input, notes } = sanitizeInput([
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "x" }] },
    { type: "reasoning", encrypted_content: null, summary: [] },
    { type: "reasoning", encrypted_content: "", summary: [] },
    user("hi"),
  ]);
  assertEquals(input, [user("hi")]);
  assertEquals(notes.length, 3);
});

Deno.test("sanitizeInput() resolves item_reference from the lookup, drops unknown ones", () => {
  const stored: Record<string, InputItem> = {
    fc_9: { type: "function_call", id: "fc_9", call_id: "call_9", name: "f", arguments: "{}" },
  };
  const { input, notes } = sanitizeInput([
    user("hi"),
    { type: "item_reference", id: "fc_9" },
    { type: "function_call_output", call_id: "call_9", output: "done" },
    { type: "item_reference", id: "msg_unknown" },
  ], { resolveReference: (id) => stored[id] });
  assertEquals(input, [
    user("hi"),
    { type: "function_call", call_id: "call_9", name: "f", arguments: "{}" },
    { type: "function_call_output", call_id: "call_9", output: "done" },
  ]);
  assertEquals(notes, [
    "resolved item_reference fc_9",
    'dropped item_reference "msg_unknown": no stored item has that id',
  ]);
  // The stored item itself is not modified.
  assertEquals((stored.fc_9 as { id?: string }).id, "fc_9");
});

Deno.test("sanitizeInput() turns an output with no earlier call into a user message", () => {
  const { input, notes } = sanitizeInput([
    user("hi"),
    { type: "function_call_output", call_id: "call_x", output: "42" },
    {
      type: "custom_tool_call_output",
      call_id: "call_y",
      output: [{ type: "input_text", text: "patched" }],
    },
  ]);
  assertEquals(input, [
    user("hi"),
    user("Output of tool call call_x:\n42"),
    {
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "Output of tool call call_y:" },
        { type: "input_text", text: "patched" },
      ],
    },
  ]);
  assertEquals(notes.length, 2);
  assertEquals(validateBody(bodyWith(input)), undefined);
});

Deno.test("sanitizeInput() gives an unanswered call a placeholder output unless it is last", () => {
  const items: InputItem[] = [
    user("first"),
    { type: "function_call", call_id: "call_a", name: "f", arguments: "{}" },
    { type: "function_call", call_id: "call_b", name: "f", arguments: "{}" },
    { type: "function_call_output", call_id: "call_b", output: "b" },
    user("second"),
    { type: "reasoning", encrypted_content: "gAAA", summary: [] },
    { type: "custom_tool_call", call_id: "call_c", name: "apply_patch", input: "x" },
  ];
  // The fake refuses what the backend refuses: the unanswered call_a.
  assertEquals(validateBody(bodyWith(items))?.status, 400);
  const { input, notes } = sanitizeInput(items);
  assertEquals(input, [
    user("first"),
    { type: "function_call", call_id: "call_a", name: "f", arguments: "{}" },
    { type: "function_call_output", call_id: "call_a", output: MISSING_OUTPUT_TEXT },
    { type: "function_call", call_id: "call_b", name: "f", arguments: "{}" },
    { type: "function_call_output", call_id: "call_b", output: "b" },
    user("second"),
    { type: "reasoning", encrypted_content: "gAAA", summary: [] },
    // The trailing call is the turn being answered: left alone.
    { type: "custom_tool_call", call_id: "call_c", name: "apply_patch", input: "x" },
  ]);
  assertEquals(notes, ["added a placeholder output for function_call call_a, which had none"]);
  assertEquals(validateBody(bodyWith(input)), undefined);
});

Deno.test("sanitizeInput() treats an output before its call as an orphan", () => {
  const { input } = sanitizeInput([
    user("q"),
    { type: "function_call_output", call_id: "call_1", output: "early" },
    { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
    user("next"),
  ]);
  assertEquals(input, [
    user("q"),
    user("Output of tool call call_1:\nearly"),
    { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
    { type: "function_call_output", call_id: "call_1", output: MISSING_OUTPUT_TEXT },
    user("next"),
  ]);
  assertEquals(validateBody(bodyWith(input)), undefined);
});

Deno.test("sanitize: a chat tool message with no matching call reaches the backend repaired", async () => {
  await using proxy = await startProxy();
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const completion = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [
      { role: "user", content: "what did the tool say?" },
      { role: "tool", tool_call_id: "call_gone", content: "sunny" },
    ],
  });
  assertEquals(
    completion.choices[0].message.content,
    "Echo: Output of tool call call_gone:\nsunny",
  );
  assertEquals(proxy.fake.calls[0].body!.input, [
    user("what did the tool say?"),
    user("Output of tool call call_gone:\nsunny"),
  ]);
  assertEquals(
    proxy.logs.some((l) => l.includes("repaired input") && l.includes("call_gone")),
    true,
  );
});

function bodyWith(input: InputItem[]): Record<string, unknown> {
  return {
    model: "gpt-5.4",
    instructions: "x",
    input,
    store: false,
    stream: true,
  };
}
