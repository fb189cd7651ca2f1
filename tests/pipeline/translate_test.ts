import { assertEquals, assertThrows } from "../support/assert.ts";
import { mergeCapabilityLayers } from "../../src/capabilities/merge_capability_layers.ts";
import type { PartialCapabilities } from "../../src/capabilities/schema.ts";
import type { ProxyError } from "../../src/errors.ts";
import { translate, type TranslateContext } from "../../src/pipeline/translate.ts";
import type { CanonicalRequest } from "../../src/request/request_model.ts";
import { conversationKey } from "../../src/translate/conversation_id.ts";
import { canonical, developer, testBackend, testModel, user } from "./stage_fixtures.ts";

const SHELL = { type: "function", name: "shell", parameters: { type: "object" } };
const MINE = { type: "function", name: "my.tool", parameters: { type: "object" } };

function context(
  capabilities: PartialCapabilities = {},
  extra: Partial<TranslateContext> = {},
): TranslateContext {
  return {
    capabilities: mergeCapabilityLayers({}, capabilities),
    model: testModel(testBackend()),
    effortParam: "reasoning_effort",
    requestId: "req-1",
    codexTools: [SHELL],
    ...extra,
  };
}

function run(request: Partial<CanonicalRequest>, capabilities: PartialCapabilities = {}) {
  return translate(canonical(request), context(capabilities)).body;
}

Deno.test("translate() places the system prompt by prompt_mode and sends the backend's fixed fields", () => {
  const body = run({ system: ["Be terse."], input: [user("hi")] });
  assertEquals(body.instructions, "BASE INSTRUCTIONS");
  assertEquals(body.input, [developer("Be terse."), user("hi")]);
  assertEquals([body.store, body.stream, body.include], [
    false,
    true,
    ["reasoning.encrypted_content"],
  ]);
  assertEquals(
    run({ system: ["Be terse."] }, { prompt_mode: "merge_custom" }).instructions,
    "BASE INSTRUCTIONS\n\nBe terse.",
  );
  assertEquals(
    run({ system: ["Be terse."] }, { prompt_mode: "custom_only" }).instructions,
    "Be terse.",
  );
});

Deno.test("translate() renames tools the backend refuses and maps them back", () => {
  const upstream = translate(
    canonical({ tools: [MINE], tool_choice: { type: "function", name: "my.tool" } }),
    context(),
  );
  const sent = String(upstream.body.tools![0].name);
  assertEquals(/^my_tool_[0-9a-f]{8}$/.test(sent), true, sent);
  assertEquals(upstream.body.tool_choice, { type: "function", name: sent });
  assertEquals(upstream.toolNames?.get(sent), "my.tool");
});

Deno.test("translate() adds the Codex tools and the environment message only when not passthrough", () => {
  const capabilities = {
    tool_schema_mode: "merge_custom",
    include_environment_context: true,
  } as const;
  const environment = { cwd: "/repo" };
  const rebuilt = translate(
    canonical({ tools: [MINE] }),
    context(capabilities, { environment }),
  ).body;
  assertEquals(rebuilt.tools!.map((t) => t.name).slice(1), ["shell"]);
  assertEquals(
    rebuilt.input[0],
    user("<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>"),
  );

  const passthrough = translate(
    canonical({ dialect: "responses", tools: [MINE] }),
    context({ ...capabilities, codex_passthrough: true }, { environment }),
  ).body;
  assertEquals(passthrough.tools!.length, 1);
  assertEquals(passthrough.input, [user("hi")]);
});

Deno.test("translate(), passthrough: the client's instructions go as they are and its include is kept", () => {
  const body = translate(
    canonical({
      dialect: "responses",
      instructions: "MY INSTRUCTIONS",
      system: ["A system item."],
      input: [developer("MY INSTRUCTIONS"), user("hi")],
      include: ["file_search_call.results"],
    }),
    context({ codex_passthrough: true }),
  ).body;
  assertEquals(body.instructions, "MY INSTRUCTIONS");
  // Not dropped as an echo: only instructions codexgate placed are.
  assertEquals(body.input, [developer("A system item."), developer("MY INSTRUCTIONS"), user("hi")]);
  assertEquals(body.include, ["file_search_call.results", "reasoning.encrypted_content"]);
});

Deno.test("translate(), passthrough without instructions: the Codex CLI's leading base instructions are not sent twice", () => {
  const body = translate(
    canonical({ dialect: "responses", input: [developer("BASE INSTRUCTIONS"), user("hi")] }),
    context({ codex_passthrough: true }),
  ).body;
  assertEquals(body.instructions, "BASE INSTRUCTIONS");
  assertEquals(body.input, [user("hi")]);
});

Deno.test("translate() takes the effort the model name implies, maps one the catalog lacks, refuses an unknown one", () => {
  const backend = testBackend();
  const implied = translate(
    canonical(),
    context({}, { model: testModel(backend, { effort: "high" }) }),
  );
  assertEquals(implied.body.reasoning, { effort: "high" });
  assertEquals(implied.effort, { requested: "high", used: "high" });
  // The test model offers low, medium and high.
  const mapped = translate(canonical({ reasoning: { effort: "xhigh" } }), context());
  assertEquals(mapped.body.reasoning, { effort: "high" });
  assertEquals(mapped.effort, { requested: "xhigh", used: "high" });
  const none = translate(canonical({ reasoning: { effort: "none" } }), context());
  assertEquals(none.body.reasoning, { effort: "low" });
  const error = assertThrows(() =>
    translate(canonical({ reasoning: { effort: "extreme" } }), context())
  ) as ProxyError;
  assertEquals([error.status, error.code, error.param], [
    400,
    "unsupported_reasoning_effort",
    "reasoning_effort",
  ]);
});

Deno.test("translate() resolves item_reference entries from the looked-up items and drops the rest", () => {
  const stored = {
    type: "message",
    role: "assistant",
    content: [{ type: "output_text", text: "earlier" }],
  };
  const upstream = translate(
    canonical({
      dialect: "responses",
      input: [
        { type: "item_reference", id: "msg_1" },
        { type: "item_reference", id: "msg_x" },
        user("hi"),
      ],
      referenced_items: new Map([["msg_1", stored]]),
    }),
    context(),
  );
  assertEquals(upstream.body.input, [stored, user("hi")]);
  assertEquals(upstream.notes, [
    "resolved item_reference msg_1",
    'dropped item_reference "msg_x": no stored item has that id',
  ]);
});

Deno.test("translate() derives the id stage 1's conversationKey gives, so app.ts can pass it along", () => {
  for (const prompt_mode of ["codex_default", "merge_custom", "custom_only"] as const) {
    for (
      const fields of [
        { system: ["Be terse."], input: [user("hi")] },
        { instructions: "Act.", system: ["", "More."], input: [user("hi"), user("again")] },
        { input: [user("no system")] },
      ]
    ) {
      const request = canonical(fields);
      const derived = translate(request, context({ prompt_mode })).conversationId;
      assertEquals(derived, conversationKey(request), JSON.stringify(fields));
      const given = translate(request, context({ prompt_mode }, { conversationKey: "given-id" }));
      assertEquals([given.conversationId, given.body.prompt_cache_key], ["given-id", "given-id"]);
    }
  }
});

Deno.test("translate() keeps the client's prompt_cache_key and derives its own id for passthrough", () => {
  const keyed = canonical({ prompt_cache_key: "client-key", input: [user("hi")] });
  assertEquals(
    translate(keyed, context({}, { conversationKey: "client-key" })).body.prompt_cache_key,
    "client-key",
  );
  const passthrough = canonical({
    dialect: "responses",
    instructions: "Own.",
    input: [user("hi")],
  });
  const id = translate(passthrough, context({ codex_passthrough: true }, { conversationKey: "x" }))
    .conversationId;
  assertEquals(id !== "x" && /^[0-9a-f]{8}-/.test(id), true, id);
});
