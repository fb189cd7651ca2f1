/**
 * Each wire through the whole app in-process (`handler(new Request(...))`):
 * what translate sent upstream and what the mapping gave back, for Chat
 * Completions, Anthropic Messages and both Responses modes.
 */
import { assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { inProcessApp, sseData } from "../support/in_process.ts";

const BASE = "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.";
const userItem = (text: string) => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});

Deno.test("in-process chat: the system prompt is placed, the answer and usage are mapped", async () => {
  const app = inProcessApp();
  const res = await app.post("/v1/chat/completions", {
    model: "gpt-5.4-high",
    messages: [{ role: "system", content: "Be terse." }, { role: "user", content: "hi" }],
  });
  assertEquals(res.status, 200);
  const { body } = app.calls[0];
  assertEquals([body.model, body.instructions, body.reasoning], [
    "gpt-5.4",
    BASE,
    { effort: "high", summary: "auto" },
  ]);
  assertEquals(body.input, [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "Be terse." }] },
    userItem("hi"),
  ]);
  const json = await res.json();
  assertEquals(json.model, "gpt-5.4-high");
  assertEquals(json.choices[0].message.content, "Echo: hi");
  assertEquals(json.choices[0].finish_reason, "stop");
  assertEquals(json.usage.prompt_tokens, 12);
});

Deno.test("in-process chat stream: deltas, a finish chunk, [DONE]", async () => {
  const app = inProcessApp({ reply: () => new ScriptBuilder().text(["Hel", "lo"]).completed() });
  const res = await app.post("/v1/chat/completions", {
    model: "gpt-5.4",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  });
  const frames = sseData(await res.text());
  const deltas = frames.flatMap((f) =>
    f === "[DONE]" ? [] : (f.choices as { delta: { content?: string } }[]).map((c) => c.delta)
  );
  assertEquals(deltas.map((d) => d.content ?? "").join(""), "Hello");
  assertEquals(frames.at(-1), "[DONE]");
});

Deno.test("in-process anthropic: text block, end_turn, cached tokens reported apart", async () => {
  const app = inProcessApp({
    reply: () =>
      new ScriptBuilder().text("Hello").usage({
        input_tokens: 30,
        cached_tokens: 10,
        output_tokens: 2,
      })
        .completed(),
  });
  const res = await app.post("/v1/messages", {
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    system: "Be terse.",
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(res.status, 200);
  assertEquals(app.calls[0].body.model, "gpt-5.4");
  const json = await res.json();
  assertEquals(json.content, [{ type: "text", text: "Hello" }]);
  assertEquals(json.stop_reason, "end_turn");
  assertEquals(json.usage, {
    input_tokens: 20,
    output_tokens: 2,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 10,
  });
});

Deno.test("in-process responses: passthrough keeps the client's instructions, both modes fill output", async () => {
  for (const passthrough of [true, false]) {
    const app = inProcessApp({
      configYaml: passthrough
        ? "backends:\n  b:\n    type: openai-codex\n    extra:\n      codex:\n        default_capabilities:\n          protocol: openai-responses\n"
        : "{}",
    });
    const res = await app.post("/v1/responses", {
      model: "gpt-5.4",
      instructions: "MY INSTRUCTIONS",
      input: "hi",
    });
    assertEquals(res.status, 200);
    const sent = app.calls[0].body;
    assertEquals(
      sent.instructions,
      passthrough ? "MY INSTRUCTIONS" : BASE,
      `passthrough: ${passthrough}`,
    );
    const json = await res.json();
    assertEquals(json.output.length, 1);
    assertEquals(json.output[0].content[0].text, "Echo: hi");
  }
});

Deno.test("in-process responses: previous_response_id expands from the store the frontend keeps", async () => {
  const app = inProcessApp();
  const first = await (await app.post("/v1/responses", { model: "gpt-5.4", input: "one" })).json();
  const second = await app.post("/v1/responses", {
    model: "gpt-5.4",
    input: "two",
    previous_response_id: first.id,
  });
  assertEquals(second.status, 200);
  const input = app.calls[1].body.input as Record<string, unknown>[];
  assertEquals(input[0], userItem("one"));
  assertEquals(input.at(-1), userItem("two"));
  const stored = await app.handler(new Request(`http://codexgate.test/v1/responses/${first.id}`));
  assertEquals((await stored.json()).id, first.id);
});
