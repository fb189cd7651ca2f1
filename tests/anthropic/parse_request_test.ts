import { assertEquals, assertThrows } from "../support/assert.ts";
import { parseAnthropicRequest } from "../../src/dialects/anthropic_messages/parse_request.ts";
import type { ProxyError } from "../../src/errors.ts";

const headers = new Headers();

Deno.test("parseAnthropicRequest() takes Claude Code's system messages, billing line and metadata", () => {
  const request = parseAnthropicRequest({
    model: "claude-sonnet-5",
    max_tokens: 64000,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=cli;" },
      { type: "text", text: "You are an agent.", cache_control: { type: "ephemeral" } },
    ],
    messages: [
      {
        role: "user",
        content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }],
      },
      {
        role: "system",
        content: [{ type: "text", text: "<system-reminder>env</system-reminder>" }],
      },
    ],
    metadata: {
      user_id: JSON.stringify({
        device_id: "d",
        session_id: "5e80cd38-4785-460c-824a-24ee5216b869",
      }),
    },
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    output_config: { effort: "high" },
    thinking: { type: "adaptive", display: "omitted" },
  }, headers);
  assertEquals(request.system, ["You are an agent."]);
  assertEquals(request.input, [
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    {
      type: "message",
      role: "system",
      content: [{ type: "input_text", text: "<system-reminder>env</system-reminder>" }],
    },
  ]);
  assertEquals(request.prompt_cache_key, "5e80cd38-4785-460c-824a-24ee5216b869");
  assertEquals(request.reasoning, { effort: "high", summary: "auto" });
  assertEquals(request.dropped.sort(), ["context_management", "max_tokens", "metadata"]);
});

Deno.test("parseAnthropicRequest() keeps deferred tools back until a tool search loads them", () => {
  const tools = [
    { name: "Read", input_schema: { type: "object" } },
    { name: "WebFetch", input_schema: { type: "object" }, defer_loading: true },
    { name: "DeferredToolPlaceholder", input_schema: { type: "object" }, defer_loading: true },
  ];
  const before = parseAnthropicRequest({
    model: "m",
    tools,
    messages: [{ role: "user", content: "fetch it" }],
  }, headers);
  assertEquals(before.tools.map((t) => t.name), ["Read"]);
  const after = parseAnthropicRequest({
    model: "m",
    tools,
    messages: [
      { role: "user", content: "fetch it" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "t1", name: "ToolSearch", input: { query: "web" } }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "t1",
          content: [{ type: "tool_reference", tool_name: "WebFetch" }],
        }],
      },
    ],
  }, headers);
  assertEquals(after.tools.map((t) => t.name), ["Read", "WebFetch"]);
  assertEquals(after.input.at(-1), {
    type: "function_call_output",
    call_id: "t1",
    output: "Tool WebFetch loaded.",
  });
});

Deno.test("parseAnthropicRequest() refuses what it cannot carry, naming the place", () => {
  const bad = (body: Record<string, unknown>, where: string) => {
    const err = assertThrows(() => parseAnthropicRequest({ model: "m", ...body }, headers));
    assertEquals((err as ProxyError).status, 400);
    assertEquals((err as ProxyError).param, where);
  };
  bad({}, "messages");
  bad({ messages: [], max_tokens: 0 }, "max_tokens");
  bad({ messages: [], tools: [{ type: "bash_20250124", name: "bash" }] }, "tools.0.type");
  bad({ messages: [], tool_choice: { type: "sometimes" } }, "tool_choice.type");
  bad({ messages: [], stop_sequences: "x" }, "stop_sequences");
  bad({
    messages: [{
      role: "user",
      content: [{ type: "image", source: { type: "file", file_id: "f" } }],
    }],
  }, "messages.0.content.0.source.type");
  bad({ messages: [], output_config: { effort: "extreme" } }, "output_config.effort");
});

Deno.test("parseAnthropicRequest() maps documents and web search", () => {
  const request = parseAnthropicRequest({
    model: "m",
    tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }],
    messages: [{
      role: "user",
      content: [
        {
          type: "document",
          title: "spec.pdf",
          source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
        },
        { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" } },
      ],
    }],
  }, headers);
  assertEquals(request.tools, [{ type: "web_search" }]);
  assertEquals(request.input, [{
    type: "message",
    role: "user",
    content: [
      {
        type: "input_file",
        file_data: "data:application/pdf;base64,JVBERi0=",
        filename: "spec.pdf",
      },
      { type: "input_text", text: "notes" },
    ],
  }]);
});
