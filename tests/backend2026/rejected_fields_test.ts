/**
 * Fields the backend rejects never reach it, on every path (passthrough
 * included), and never cost the client a 400; each is named in a debug line.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";

const REJECTED_TOP_LEVEL = {
  max_output_tokens: 100,
  temperature: 0.2,
  top_p: 0.9,
  user: "u-1",
  metadata: { a: "b" },
  truncation: "auto",
  context_management: [{ type: "compaction" }],
  prompt_cache_retention: "24h",
  prompt_cache_options: { mode: "explicit" },
};

const withBreakpoint = {
  type: "message",
  role: "user",
  prompt_cache_breakpoint: { ttl: "1h" },
  content: [{ type: "input_text", text: "hi", prompt_cache_breakpoint: true }],
};

const tool = {
  type: "function",
  name: "lookup",
  parameters: { type: "object", properties: {} },
  prompt_cache_breakpoint: true,
};

function droppedLines(logs: string[]): string[] {
  return logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "dropped parameters")
    .flatMap((l) => l.dropped as string[]);
}

for (const passthrough of [false, true]) {
  Deno.test(`rejected fields: stripped from a Responses body (passthrough ${passthrough})`, async () => {
    const app = inProcessApp({
      configYaml: passthrough
        ? "backends: { openai_codex: { type: openai-codex, extra: { codex: { default_capabilities: { protocol: openai-responses } } } } }"
        : "{}",
    });
    const res = await app.post("/v1/responses", {
      model: "gpt-5.4",
      input: [withBreakpoint],
      tools: [tool],
      ...REJECTED_TOP_LEVEL,
    });
    assertEquals(res.status, 200, await res.clone().text());
    await res.body?.cancel();
    const { body } = app.calls[0];
    for (const key of Object.keys(REJECTED_TOP_LEVEL)) assert(!(key in body), key);
    const text = JSON.stringify(body);
    assert(!text.includes("prompt_cache_breakpoint"), text);
    const dropped = droppedLines(app.logs);
    for (const key of Object.keys(REJECTED_TOP_LEVEL)) assert(dropped.includes(key), key);
    assert(dropped.includes("input[0].prompt_cache_breakpoint"), dropped.join());
    assert(dropped.includes("tools[0].prompt_cache_breakpoint"), dropped.join());
  });
}

Deno.test("rejected fields: stripped from Chat Completions and Anthropic bodies too", async () => {
  const app = inProcessApp();
  const chat = await app.post("/v1/chat/completions", {
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    max_completion_tokens: 50,
    ...REJECTED_TOP_LEVEL,
  });
  assertEquals(chat.status, 200);
  await chat.body?.cancel();
  const anthropic = await app.post("/v1/messages", {
    model: "gpt-5.4",
    max_tokens: 50,
    temperature: 0.1,
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(anthropic.status, 200);
  await anthropic.body?.cancel();
  for (const { body } of app.calls) {
    for (const key of [...Object.keys(REJECTED_TOP_LEVEL), "max_completion_tokens", "max_tokens"]) {
      assert(!(key in body), key);
    }
  }
});
