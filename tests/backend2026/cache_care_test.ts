/**
 * Cache care, in-process: a three-turn conversation through each wire sends
 * the same `prompt_cache_key`, `session-id` and `thread-id` on every turn,
 * byte-identical tool JSON although the client writes its schema keys in a
 * different order each turn, the `x-codex-turn-state` of each answer on the
 * next request, and each answer reports the cached tokens.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { ScriptBuilder, toSse } from "../support/fake_script.ts";
import { inProcessApp, type UpstreamCall } from "../support/in_process.ts";

/** The same schema, its keys written in three different orders. */
const SCHEMAS = [
  {
    type: "object",
    properties: { path: { type: "string", description: "file" }, line: { type: "integer" } },
    required: ["path"],
    additionalProperties: false,
  },
  {
    additionalProperties: false,
    required: ["path"],
    properties: { path: { description: "file", type: "string" }, line: { type: "integer" } },
    type: "object",
  },
  {
    required: ["path"],
    type: "object",
    additionalProperties: false,
    properties: { path: { type: "string", description: "file" }, line: { type: "integer" } },
  },
];

/** The backend: each answer carries a turn state and reports cached tokens. */
function cachingApp(configYaml?: string) {
  return inProcessApp({
    configYaml,
    reply: (_body, i) =>
      new Response(
        toSse(
          new ScriptBuilder().text(`answer ${i + 1}`)
            .usage({ input_tokens: 100 * (i + 1), cached_tokens: 80 * i, output_tokens: 5 })
            .completed(),
        ),
        { headers: { "content-type": "text/event-stream", "x-codex-turn-state": `ts-${i + 1}` } },
      ),
  });
}

function checkConversation(calls: UpstreamCall[]): void {
  assertEquals(calls.length, 3);
  const key = calls[0].body.prompt_cache_key;
  assert(typeof key === "string" && key.length > 0, "a prompt_cache_key");
  for (const [i, call] of calls.entries()) {
    assertEquals(call.body.prompt_cache_key, key, `turn ${i + 1}: prompt_cache_key`);
    assertEquals(call.headers.get("session-id"), key, `turn ${i + 1}: session-id`);
    assertEquals(call.headers.get("thread-id"), key, `turn ${i + 1}: thread-id`);
    assertEquals(
      JSON.stringify(call.body.tools),
      JSON.stringify(calls[0].body.tools),
      `turn ${i + 1}: tool JSON`,
    );
    assertEquals(
      call.headers.get("x-codex-turn-state"),
      i === 0 ? null : `ts-${i}`,
      `turn ${i + 1}: turn state`,
    );
  }
  // Keywords sorted, property names in the client's order.
  const params = (calls[0].body.tools as { parameters: Record<string, unknown> }[])[0].parameters;
  assertEquals(Object.keys(params), ["additionalProperties", "properties", "required", "type"]);
  assertEquals(Object.keys(params.properties as object), ["path", "line"]);
}

Deno.test("cache care: chat completions, three turns", async () => {
  const app = cachingApp();
  const messages: Record<string, unknown>[] = [{ role: "system", content: "Be terse." }];
  const cached: number[] = [];
  for (let turn = 0; turn < 3; turn++) {
    messages.push({ role: "user", content: `question ${turn + 1}` });
    const res = await app.post("/v1/chat/completions", {
      model: "gpt-5.4",
      messages,
      tools: [{
        type: "function",
        function: { name: "read_file", description: "Read a file", parameters: SCHEMAS[turn] },
      }],
    });
    assertEquals(res.status, 200);
    const json = await res.json();
    messages.push(json.choices[0].message);
    cached.push(json.usage.prompt_tokens_details.cached_tokens);
  }
  checkConversation(app.calls);
  assertEquals(cached, [0, 80, 160]);
});

Deno.test("cache care: anthropic messages, three turns", async () => {
  const app = cachingApp();
  const messages: Record<string, unknown>[] = [];
  const cached: number[] = [];
  for (let turn = 0; turn < 3; turn++) {
    messages.push({ role: "user", content: `question ${turn + 1}` });
    const res = await app.post("/v1/messages", {
      model: "gpt-5.4",
      max_tokens: 100,
      system: "Be terse.",
      messages,
      tools: [{ name: "read_file", description: "Read a file", input_schema: SCHEMAS[turn] }],
    });
    assertEquals(res.status, 200);
    const json = await res.json();
    messages.push({ role: "assistant", content: json.content });
    cached.push(json.usage.cache_read_input_tokens);
  }
  checkConversation(app.calls);
  assertEquals(cached, [0, 80, 160]);
});

for (const passthrough of [false, true]) {
  Deno.test(`cache care: responses (passthrough ${passthrough}), three turns chained by previous_response_id`, async () => {
    const app = cachingApp(
      passthrough
        ? "backends: { openai_codex: { type: openai-codex, extra: { codex: { default_capabilities: { protocol: openai-responses } } } } }"
        : undefined,
    );
    let previous: string | undefined;
    const cached: number[] = [];
    for (let turn = 0; turn < 3; turn++) {
      const res = await app.post("/v1/responses", {
        model: "gpt-5.4",
        instructions: "Be terse.",
        input: `question ${turn + 1}`,
        ...(previous ? { previous_response_id: previous } : {}),
        tools: [{
          type: "function",
          name: "read_file",
          description: "Read a file",
          parameters: SCHEMAS[turn],
        }],
      });
      assertEquals(res.status, 200);
      const json = await res.json();
      previous = json.id;
      cached.push(json.usage.input_tokens_details.cached_tokens);
    }
    checkConversation(app.calls);
    assertEquals(cached, [0, 80, 160]);
  });
}
