/**
 * Every capability key × every value through the Chat Completions frontend:
 * the exact upstream body the fake received and what an npm:openai client
 * saw, streamed and not.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { CAPABILITY_VALUES } from "../../src/config/capabilities.ts";
import { CODEX_TOOLS } from "../../src/capabilities/codex_tools.ts";
import { chatOnce, chatStream, type SeenAnswer } from "./chat_client.ts";

const CONFIG = `
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

const BASE = "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.";
const SHELL_ARGS = '{"command":["rm","-rf","/"]}';
const CALL_ID = "call_table0001";

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

const REQUEST = {
  model: "gpt-5.4",
  messages: [
    { role: "system", content: "Be terse." },
    { role: "user", content: "clean up" },
  ],
  tools: [readFile, clientShell],
};

type Body = Record<string, unknown>;
type Item = { type: string; role?: string; content?: { text?: string }[] };

/** The upstream shapes of the client's two tools. */
const UPSTREAM_CLIENT_TOOLS = [
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

const userItem = {
  type: "message",
  role: "user",
  content: [{ type: "input_text", text: "clean up" }],
};
const developerItem = {
  type: "message",
  role: "developer",
  content: [{ type: "input_text", text: "Be terse." }],
};
const ENVIRONMENT_TEXT = "<environment_context>\n  <cwd>/home/dev/project</cwd>\n" +
  "  <approval_policy>never</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n" +
  "  <network_access>restricted</network_access>\n  <shell>zsh</shell>\n</environment_context>";

type Reply = "text" | "call";

interface Row {
  key: keyof typeof CAPABILITY_VALUES;
  value: string | boolean;
  reply: Reply;
  check(body: Body, seen: SeenAnswer, baseline: Body): void;
}

const TEXT_ANSWER = (seen: SeenAnswer) => {
  assertEquals(seen.content, "All done.");
  assertEquals(seen.toolCalls, []);
  assertEquals(seen.finishReason, "stop");
};
const STRUCTURED_CALL = (seen: SeenAnswer) => {
  assertEquals(seen.content, "");
  assertEquals(seen.toolCalls, [{ id: CALL_ID, name: "shell", arguments: SHELL_ARGS }]);
  assertEquals(seen.finishReason, "tool_calls");
};
const SAME_AS_BASELINE = (body: Body, seen: SeenAnswer, baseline: Body) => {
  assertEquals(body, baseline);
  TEXT_ANSWER(seen);
};

const ROWS: Row[] = [
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
];

function reply(kind: Reply) {
  const builder = new ScriptBuilder();
  const events = kind === "text"
    ? builder.text("All done.", { chunks: 3 }).completed()
    : builder.toolCall("shell", SHELL_ARGS, { callId: CALL_ID, fragments: 4 }).completed();
  return { kind: "events" as const, events };
}

Deno.test("capabilities table: the rows cover every key and every allowed value", () => {
  for (const [key, values] of Object.entries(CAPABILITY_VALUES)) {
    const covered = ROWS.filter((r) => r.key === key).map((r) => r.value);
    assertEquals(covered, [...values], `values of ${key}`);
  }
});

Deno.test("capabilities table: chat, each key × value, streamed and not", async () => {
  await using proxy = await startProxy({ configYaml: CONFIG });
  // The baseline: no override at all.
  proxy.fake.enqueue(reply("text"));
  TEXT_ANSWER(await chatOnce(proxy.url, { body: REQUEST }));
  const baseline = proxy.fake.calls[0].body!;
  assertEquals(baseline.instructions, BASE);
  assertEquals(baseline.tools, UPSTREAM_CLIENT_TOOLS);

  for (const row of ROWS) {
    const label = `${row.key}=${row.value}`;
    for (const send of [chatOnce, chatStream]) {
      proxy.fake.enqueue(reply(row.reply));
      const before = proxy.fake.calls.length;
      const seen = await send(proxy.url, {
        body: { ...REQUEST, codex_capabilities: { [row.key]: row.value } },
      });
      assertEquals(proxy.fake.calls.length, before + 1, label);
      const body = proxy.fake.calls[before].body!;
      assert(!("codex_capabilities" in body), `${label}: the override leaked upstream`);
      try {
        row.check(body, seen, baseline);
      } catch (err) {
        throw new Error(`${label} (${send.name}): ${(err as Error).message}`);
      }
    }
  }
});

Deno.test("capabilities: /health shows each backend's effective defaults; protocol sets passthrough", async () => {
  await using proxy = await startProxy({
    configYaml: `
backends:
  chat_tuned: { type: openai-codex }
  responses_tuned:
    type: openai-codex
    extra: { codex: { default_capabilities: { protocol: openai-responses, prompt_mode: custom_only } } }
`,
  });
  const health = await (await fetch(`${proxy.url}/health`)).json();
  assertEquals(health.backends.chat_tuned.default_capabilities, {
    protocol: "openai-chat",
    codex_passthrough: false,
    prompt_mode: "codex_default",
    tool_schema_mode: "custom_only",
    tool_text_format: "none",
    bypass_tool_call_reactor: true,
    include_environment_context: false,
  });
  assertEquals(health.backends.responses_tuned.default_capabilities, {
    protocol: "openai-responses",
    codex_passthrough: true,
    prompt_mode: "custom_only",
    tool_schema_mode: "custom_only",
    tool_text_format: "none",
    bypass_tool_call_reactor: true,
    include_environment_context: false,
  });
  const models = await (await fetch(`${proxy.url}/v1/models`)).json();
  const byBackend = new Map<string, { protocol: string; capabilities: Record<string, unknown> }>(
    models.data.map((m: { backend: string }) => [m.backend, m]),
  );
  assertEquals(byBackend.get("chat_tuned")!.protocol, "openai-chat");
  assertEquals(
    byBackend.get("chat_tuned")!.capabilities,
    health.backends.chat_tuned.default_capabilities,
  );
  assertEquals(byBackend.get("responses_tuned")!.protocol, "openai-responses");
  assertEquals(
    byBackend.get("responses_tuned")!.capabilities,
    health.backends.responses_tuned.default_capabilities,
  );
  // Backend defaults apply without any override.
  proxy.fake.enqueue(reply("text"));
  TEXT_ANSWER(
    await chatOnce(proxy.url, { body: { ...REQUEST, model: "responses_tuned:gpt-5.4" } }),
  );
  assertEquals(proxy.fake.calls[0].body!.instructions, "Be terse.");
});
