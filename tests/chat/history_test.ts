import { assertEquals } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { MISSING_OUTPUT_TEXT } from "../../src/translate/sanitize_input.ts";
import { openaiClient, rawChat, upstreamBody, userItem } from "./_helpers.ts";
import type OpenAI from "openai";

const call = (id: string, name: string, args: string): OpenAI.ChatCompletionMessageToolCall => ({
  id,
  type: "function",
  function: { name, arguments: args },
});

Deno.test("chat history: orphan tool result becomes a user note, unanswered call gets a placeholder", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("ok"));
  const completion = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [
      { role: "user", content: "start" },
      { role: "tool", tool_call_id: "call_ghost", content: "result nobody asked for" },
      { role: "assistant", content: null, tool_calls: [call("call_lost", "ls", "{}")] },
      { role: "user", content: "never mind, go on" },
    ],
  });
  assertEquals(completion.choices[0].message.content, "ok");
  const body = proxy.fake.calls[0].body;
  assertEquals(
    body,
    upstreamBody(body, {
      input: [
        userItem("start"),
        userItem("Output of tool call call_ghost:\nresult nobody asked for"),
        { type: "function_call", call_id: "call_lost", name: "ls", arguments: "{}" },
        { type: "function_call_output", call_id: "call_lost", output: MISSING_OUTPUT_TEXT },
        userItem("never mind, go on"),
      ],
    }),
  );
});

Deno.test("chat history: tool result parts go up verbatim as parts; legacy function messages pair up", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("seen"));
  const png = "data:image/png;base64,AAAA";
  await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [
      { role: "user", content: [{ type: "text", text: "screenshot then date" }] },
      {
        role: "assistant",
        content: "Taking it.",
        tool_calls: [call("call_s", "screenshot", "{}")],
      },
      {
        role: "tool",
        tool_call_id: "call_s",
        content: [{ type: "text", text: "here" }, {
          type: "image_url",
          image_url: { url: png },
        }] as unknown as OpenAI.ChatCompletionContentPartText[],
      },
      { role: "assistant", content: null, function_call: { name: "date", arguments: "{}" } },
      { role: "function", name: "date", content: '{"today":"2026-11-25"}' },
    ],
  });
  const body = proxy.fake.calls[0].body;
  assertEquals(body!.input, [
    userItem("screenshot then date"),
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Taking it." }] },
    { type: "function_call", call_id: "call_s", name: "screenshot", arguments: "{}" },
    {
      type: "function_call_output",
      call_id: "call_s",
      output: [{ type: "input_text", text: "here" }, { type: "input_image", image_url: png }],
    },
    { type: "function_call", call_id: "call_legacy_3", name: "date", arguments: "{}" },
    { type: "function_call_output", call_id: "call_legacy_3", output: '{"today":"2026-11-25"}' },
  ]);
});

Deno.test("chat: reasoning_field: reasoning renames the reasoning delta and message field", async () => {
  await using proxy = await startProxy({
    configYaml: "backends:\n  main:\n    type: openai-codex\n    extra:\n      codex:\n" +
      "        reasoning_field: reasoning\n",
  });
  const events = () =>
    new ScriptBuilder().reasoning(["Hmm."], { encrypted: "gAAAA-r" }).text("Yes.").completed();
  proxy.fake.enqueue({ kind: "events", events: events() }, { kind: "events", events: events() });
  const { frames } = await rawChat(proxy, {
    model: "gpt-5.4",
    messages: [{ role: "user", content: "?" }],
    stream: true,
  });
  const deltas = frames.flatMap((f) =>
    f === "[DONE]" ? [] : (f.choices as { delta: Record<string, unknown> }[]).map((c) => c.delta)
  );
  assertEquals(deltas.map((d) => d.reasoning ?? "").join(""), "Hmm.");
  assertEquals(deltas.filter((d) => "reasoning_content" in d), []);
  const completion = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "?" }],
  });
  const message = completion.choices[0].message as unknown as Record<string, unknown>;
  assertEquals(message.reasoning, "Hmm.");
  assertEquals(message.reasoning_content, undefined);
  assertEquals(message.reasoning_encrypted_content, "gAAAA-r");
});
