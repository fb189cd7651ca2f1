/**
 * Responses Lite: a model whose catalog entry says `use_responses_lite`
 * gets its tools as an `additional_tools` input item, `parallel_tool_calls:
 * false` and the header, in normalised and passthrough mode; a client's own
 * `additional_tools` items pass through with the header.
 */
import { assertEquals } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";

const LITE_HEADER = "x-openai-internal-codex-responses-lite";
const lookup = {
  type: "function",
  name: "lookup",
  description: "Look a thing up",
  parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
};
const PASSTHROUGH =
  "backends: { openai_codex: { type: openai-codex, extra: { codex: { default_capabilities: { protocol: openai-responses } } } } }";

Deno.test("responses lite: a lite model's tools go as an additional_tools item, with the header", async () => {
  const app = inProcessApp();
  const chat = await app.post("/v1/chat/completions", {
    model: "gpt-5.6-lite",
    messages: [{ role: "user", content: "find x" }],
    tools: [{
      type: "function",
      function: { name: "lookup", description: lookup.description, parameters: lookup.parameters },
    }],
  });
  assertEquals(chat.status, 200, await chat.clone().text());
  await chat.body?.cancel();
  const { body, headers } = app.calls[0];
  assertEquals("tools" in body, false);
  assertEquals(body.parallel_tool_calls, false);
  const input = body.input as Record<string, unknown>[];
  assertEquals(input[0], {
    type: "additional_tools",
    role: "developer",
    tools: [{ ...lookup, strict: false }],
  });
  assertEquals(headers.get(LITE_HEADER), "true");
});

Deno.test("responses lite: passthrough keeps the client's additional_tools items and sends the header", async () => {
  const app = inProcessApp({ configYaml: PASSTHROUGH });
  const item = { type: "additional_tools", role: "developer", tools: [lookup] };
  const res = await app.post("/v1/responses", {
    model: "gpt-5.6-lite",
    input: [item, { type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }],
    tools: [],
    parallel_tool_calls: false,
  });
  assertEquals(res.status, 200, await res.clone().text());
  await res.body?.cancel();
  const { body, headers } = app.calls[0];
  const input = body.input as Record<string, unknown>[];
  assertEquals(input.filter((i) => i.type === "additional_tools"), [item]);
  assertEquals(headers.get(LITE_HEADER), "true");
  assertEquals("tools" in body, false);
});

Deno.test("responses lite: other models keep top-level tools and no header", async () => {
  const app = inProcessApp();
  const res = await app.post("/v1/responses", { model: "gpt-5.4", input: "go", tools: [lookup] });
  assertEquals(res.status, 200);
  await res.body?.cancel();
  const { body, headers } = app.calls[0];
  assertEquals(body.tools, [lookup]);
  assertEquals(headers.get(LITE_HEADER), null);
});
