import { assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { ENTHUSIAST_MODE } from "../../src/capabilities/schema.ts";
import type { CanonicalRequest } from "../../src/request/request_model.ts";
import { ResponseAccumulator } from "../../src/upstream/response_accumulator.ts";
import { createChatStreamMapper } from "../../src/dialects/chat_completions/stream_mapper.ts";
import { renderChatResponse } from "../../src/dialects/chat_completions/render_response.ts";
import type { ResponseContext } from "../../src/dialects/frontend.ts";
import type { UpstreamEvent } from "../../src/upstream/events.ts";

function context(request: Partial<CanonicalRequest> = {}): ResponseContext {
  return {
    model: "my-model",
    requestId: "req1",
    created: 1700000000,
    capabilities: ENTHUSIAST_MODE,
    request: {
      dialect: "chat",
      model: "my-model",
      system: [],
      input: [],
      tools: [],
      stream: true,
      dropped: [],
      ...request,
    },
    upstreamBody: {} as ResponseContext["upstreamBody"],
    toolNameFromUpstream: (name) => (name === "safe_1" ? "unsafe.name" : name),
    reasoningField: "reasoning_content",
  };
}

/** Maps events and returns the deltas (+ finish reasons) the client would see. */
function deltas(events: UpstreamEvent[], ctx = context()) {
  const mapper = createChatStreamMapper(ctx);
  const text = events.map((e) => mapper.map(e, JSON.stringify(e))).join("") + mapper.end();
  return text.split("\n\n").filter((f) => f.startsWith("data: {")).map((f) =>
    JSON.parse(f.slice(6))
  )
    .flatMap((c) => c.choices.map((ch: Record<string, unknown>) => [ch.delta, ch.finish_reason]));
}

Deno.test("createChatStreamMapper() sends whole arguments when the backend streamed no fragments", () => {
  const events = [
    { type: "response.created", response: {} },
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "fc_1", type: "function_call", call_id: "call_1", name: "safe_1", arguments: "" },
    },
    {
      type: "response.function_call_arguments.done",
      item_id: "fc_1",
      output_index: 0,
      arguments: '{"a":1}',
    },
    { type: "response.completed", response: { usage: null } },
  ];
  assertEquals(deltas(events), [
    [{ role: "assistant", content: "" }, null],
    [{
      tool_calls: [{
        index: 0,
        id: "call_1",
        type: "function",
        function: { name: "unsafe.name", arguments: "" },
      }],
    }, null],
    [{ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }, null],
    [{}, "tool_calls"],
  ]);
});

Deno.test("createChatStreamMapper() streams a custom tool call and several encrypted reasoning items", () => {
  const events = new ScriptBuilder()
    .reasoning(["first"], { encrypted: "enc-1", chunks: 1 })
    .reasoning(["second"], { encrypted: "enc-2", chunks: 1 })
    .customToolCall("apply_patch", "*** Begin", { callId: "call_p", fragments: 2 })
    .completed() as UpstreamEvent[];
  assertEquals(deltas(events), [
    [{ role: "assistant", content: "" }, null],
    [{ reasoning_content: "first" }, null],
    [{ reasoning_content: "\n\n" }, null],
    [{ reasoning_content: "second" }, null],
    [{
      tool_calls: [{
        index: 0,
        id: "call_p",
        type: "function",
        function: { name: "apply_patch", arguments: "" },
      }],
    }, null],
    [{ tool_calls: [{ index: 0, function: { arguments: "*** B" } }] }, null],
    [{ tool_calls: [{ index: 0, function: { arguments: "egin" } }] }, null],
    [{ reasoning_encrypted_content: ["enc-1", "enc-2"] }, "tool_calls"],
  ]);
  // The non-streaming answer says the same.
  const accumulator = new ResponseAccumulator();
  for (const e of events) accumulator.push(e);
  const message = (renderChatResponse(accumulator.result(), context()) as {
    choices: { message: Record<string, unknown> }[];
  }).choices[0].message;
  assertEquals(message.reasoning_content, "first\n\nsecond");
  assertEquals(message.reasoning_encrypted_content, ["enc-1", "enc-2"]);
  assertEquals(message.tool_calls, [{
    id: "call_p",
    type: "function",
    function: { name: "apply_patch", arguments: "*** Begin" },
  }]);
});

Deno.test("createChatStreamMapper() holds back a possible stop prefix and releases it at the message end", () => {
  const events = new ScriptBuilder().text(["ab", "c-", "x"]).completed() as UpstreamEvent[];
  const seen = deltas(events, context({ stop: ["c-d"] }));
  assertEquals(seen.map(([d]) => (d as { content?: string }).content ?? "").join(""), "abc-x");
  assertEquals(seen.at(-1)?.[1], "stop");
});
