/**
 * The capability table shared by the Chat Completions and Responses table
 * tests: one row per key × value, each with the reply the fake sends and a
 * check of the upstream body and of what the client saw.
 *
 * @module
 */
import { assert, assertEquals } from "../support/assert.ts";
import type { ProxyHarness } from "../support/harness.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import type { Reply as FakeReply } from "../support/fake_codex.ts";
import type { CAPABILITY_VALUES } from "../../src/capabilities/schema.ts";
import { CODEX_TOOLS } from "../../src/capabilities/codex_tools.ts";
import type { ChatCall, SeenAnswer } from "./chat_client.ts";

export const CONFIG = `
aliases:
  tidy: gpt-5.4
backends:
  openai_codex:
    type: openai-codex
    extra:
      codex:
        environment_context:
          cwd: /home/dev/project
          approval_policy: never
          sandbox_mode: workspace-write
          network_access: restricted
          shell: zsh
        reactor_rules:
          - name: no-rm-rf-root
            tool: shell
            pattern: '\\brm\\s+-rf\\s+/(\\s|$)'
            action: block
            message: "Refused by {rule}: not deleting /."
`;

export const BASE = "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.";
export const SHELL_ARGS = '{"command":["rm","-rf","/"]}';
export const CALL_ID = "call_table0001";

const clientShell = {
  type: "function",
  function: {
    name: "shell",
    description: "client's own shell",
    parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] },
  },
};
const readFile = {
  type: "function",
  function: {
    name: "read_file",
    description: "Read a file",
    parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  },
};

export const REQUEST = {
  model: "gpt-5.4",
  messages: [
    { role: "system", content: "Be terse." },
    { role: "user", content: "clean up" },
  ],
  tools: [readFile, clientShell],
};

export type Body = Record<string, unknown>;
type Item = { type: string; role?: string; content?: { text?: string }[] };

/** The upstream shapes of the client's two tools. */
export const UPSTREAM_CLIENT_TOOLS = [
  {
    type: "function",
    name: "read_file",
    description: "Read a file",
    parameters: readFile.function.parameters,
    strict: false,
  },
  {
    type: "function",
    name: "shell",
    description: "client's own shell",
    parameters: clientShell.function.parameters,
    strict: false,
  },
];

/** The same request on the Responses wire (tools already in its flat shape). */
export const RESPONSES_REQUEST = {
  model: "gpt-5.4",
  instructions: "Be terse.",
  input: [{ role: "user", content: "clean up" }],
  tools: UPSTREAM_CLIENT_TOOLS,
};

export const userItem = {
  type: "message",
  role: "user",
  content: [{ type: "input_text", text: "clean up" }],
};
export const developerItem = {
  type: "message",
  role: "developer",
  content: [{ type: "input_text", text: "Be terse." }],
};
export const ENVIRONMENT_TEXT = "<environment_context>\n  <cwd>/home/dev/project</cwd>\n" +
  "  <approval_policy>never</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n" +
  "  <network_access>restricted</network_access>\n  <shell>zsh</shell>\n</environment_context>";

export type ReplyKind = "text" | "call";

export interface Row {
  key: keyof typeof CAPABILITY_VALUES;
  value: string | boolean;
  reply: ReplyKind;
  check(body: Body, seen: SeenAnswer, baseline: Body): void;
}

export const TEXT_ANSWER = (seen: SeenAnswer): void => {
  assertEquals(seen.content, "All done.");
  assertEquals(seen.toolCalls, []);
  assertEquals(seen.finishReason, "stop");
};
export const STRUCTURED_CALL = (seen: SeenAnswer): void => {
  assertEquals(seen.content, "");
  assertEquals(seen.toolCalls, [{ id: CALL_ID, name: "shell", arguments: SHELL_ARGS }]);
  assertEquals(seen.finishReason, "tool_calls");
};
export const SAME_AS_BASELINE = (body: Body, seen: SeenAnswer, baseline: Body): void => {
  assertEquals(body, baseline);
  TEXT_ANSWER(seen);
};

export const ROWS: Row[] = [
  // protocol / codex_passthrough only change /v1/responses (and what /health shows):
  // a chat request goes upstream byte for byte the same.
  { key: "protocol", value: "openai-chat", reply: "text", check: SAME_AS_BASELINE },
  { key: "protocol", value: "openai-responses", reply: "text", check: SAME_AS_BASELINE },
  { key: "codex_passthrough", value: false, reply: "text", check: SAME_AS_BASELINE },
  { key: "codex_passthrough", value: true, reply: "text", check: SAME_AS_BASELINE },
  {
    key: "prompt_mode",
    value: "codex_default",
    reply: "text",
    check(body, seen) {
      assertEquals(body.instructions, BASE);
      assertEquals(body.input, [developerItem, userItem]);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "prompt_mode",
    value: "merge_custom",
    reply: "text",
    check(body, seen) {
      assertEquals(body.instructions, `${BASE}\n\nBe terse.`);
      assertEquals(body.input, [userItem]);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "prompt_mode",
    value: "custom_only",
    reply: "text",
    check(body, seen) {
      assertEquals(body.instructions, "Be terse.");
      assertEquals(body.input, [userItem]);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "tool_schema_mode",
    value: "custom_only",
    reply: "text",
    check(body, seen) {
      assertEquals(body.tools, UPSTREAM_CLIENT_TOOLS);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "tool_schema_mode",
    value: "merge_custom",
    reply: "text",
    check(body, seen) {
      // The client's `shell` wins the clash with ours.
      assertEquals(body.tools, [
        ...UPSTREAM_CLIENT_TOOLS,
        ...CODEX_TOOLS.filter((t) => t.name !== "shell"),
      ]);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "tool_schema_mode",
    value: "codex_default",
    reply: "text",
    check(body, seen) {
      assertEquals(
        (body.tools as { name: string }[]).map((t) => t.name),
        ["shell", "apply_patch", "update_plan", "view_image"],
      );
      assertEquals(body.tools, CODEX_TOOLS);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "tool_text_format",
    value: "none",
    reply: "call",
    check: (_body, seen) => STRUCTURED_CALL(seen),
  },
  {
    key: "tool_text_format",
    value: "xml",
    reply: "call",
    check(_body, seen) {
      assertEquals(
        seen.content,
        `<tool_call name="shell" call_id="${CALL_ID}">${SHELL_ARGS}</tool_call>`,
      );
      assertEquals(seen.toolCalls, []);
      assertEquals(seen.finishReason, "stop");
    },
  },
  {
    key: "tool_text_format",
    value: "markdown",
    reply: "call",
    check(_body, seen) {
      assertEquals(
        seen.content,
        '```tool_call\n{"name":"shell","call_id":"' + CALL_ID + '","arguments":' + SHELL_ARGS +
          "}\n```",
      );
      const json = JSON.parse(seen.content.split("\n")[1]);
      assertEquals(json, { name: "shell", call_id: CALL_ID, arguments: JSON.parse(SHELL_ARGS) });
      assertEquals(seen.toolCalls, []);
      assertEquals(seen.finishReason, "stop");
    },
  },
  {
    key: "bypass_tool_call_reactor",
    value: true,
    reply: "call",
    check: (_body, seen) => STRUCTURED_CALL(seen),
  },
  {
    key: "bypass_tool_call_reactor",
    value: false,
    reply: "call",
    check(_body, seen) {
      assertEquals(seen.content, "Refused by no-rm-rf-root: not deleting /.");
      assertEquals(seen.toolCalls, []);
      assertEquals(seen.finishReason, "stop");
    },
  },
  {
    key: "include_environment_context",
    value: false,
    reply: "text",
    check(body, seen) {
      assertEquals(body.input, [developerItem, userItem]);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "include_environment_context",
    value: true,
    reply: "text",
    check(body, seen) {
      const input = body.input as Item[];
      assertEquals(input, [
        {
          type: "message",
          role: "user",
          content: [{ type: "input_text", text: ENVIRONMENT_TEXT }],
        },
        developerItem,
        userItem,
      ]);
      TEXT_ANSWER(seen);
    },
  },
  { key: "service_tier", value: "default", reply: "text", check: SAME_AS_BASELINE },
  {
    // gpt-5.4 offers the priority tier in the fake's catalog: the default sends it.
    key: "service_tier",
    value: "fast",
    reply: "text",
    check(body, seen, baseline) {
      assertEquals(body, { ...baseline, service_tier: "priority" });
      TEXT_ANSWER(seen);
    },
  },
  // A conversation far below the model's limit goes up whole either way
  // (tests/compaction/auto_compact_test.ts covers one above it).
  {
    key: "auto_compact",
    value: false,
    reply: "text",
    check(body, seen) {
      assertEquals(body.input, [developerItem, userItem]);
      TEXT_ANSWER(seen);
    },
  },
  {
    key: "auto_compact",
    value: true,
    reply: "text",
    check(body, seen) {
      assertEquals(body.input, [developerItem, userItem]);
      TEXT_ANSWER(seen);
    },
  },
];

export function reply(kind: ReplyKind): FakeReply {
  const builder = new ScriptBuilder();
  const events = kind === "text"
    ? builder.text("All done.", { chunks: 3 }).completed()
    : builder.toolCall("shell", SHELL_ARGS, { callId: CALL_ID, fragments: 4 }).completed();
  return { kind: "events", events };
}

/**
 * Sends `request` once per row and client (streamed and not) with the row's
 * override, and checks the upstream body and what the client saw.
 */
export async function runRows(
  proxy: ProxyHarness,
  rows: readonly Row[],
  request: Body,
  options: { baseline: Body; sends: ((url: string, call: ChatCall) => Promise<SeenAnswer>)[] },
): Promise<void> {
  for (const row of rows) {
    const label = `${row.key}=${row.value}`;
    for (const send of options.sends) {
      proxy.fake.enqueue(reply(row.reply));
      const before = proxy.fake.calls.length;
      const seen = await send(proxy.url, {
        body: { ...request, codex_capabilities: { [row.key]: row.value } },
      });
      assertEquals(proxy.fake.calls.length, before + 1, label);
      const body = proxy.fake.calls[before].body!;
      assert(!("codex_capabilities" in body), `${label}: the override leaked upstream`);
      try {
        row.check(body, seen, options.baseline);
      } catch (err) {
        throw new Error(`${label} (${send.name}): ${(err as Error).message}`);
      }
    }
  }
}
