/**
 * The tool-call reactor with the rules shipped in config.example.yaml, and
 * rewrite / log rules: what the client sees, streamed and not.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import type { Reply } from "../support/fake_codex.ts";
import { parseConfigText } from "../../src/config/load_config.ts";
import { ConfigError } from "../../src/errors.ts";
import exampleYaml from "../../config.example.yaml" with { type: "text" };
import { chatOnce, chatStream } from "./chat_client.ts";

/** The example config with the reactor switched on. */
const EXAMPLE_WITH_REACTOR = exampleYaml.replace(
  "bypass_tool_call_reactor: true",
  "bypass_tool_call_reactor: false",
);
const REQUEST = { model: "gpt-5.4", messages: [{ role: "user", content: "tidy up" }] };
const RM_ROOT = '{"command":["bash","-lc","rm -rf /"]}';
const RM_MESSAGE =
  "I won't run `rm -rf /`: codexgate's rule no-rm-rf-root blocks deleting the root directory.";

function events(
  build: (b: ScriptBuilder) => ScriptBuilder,
  fullOutput = false,
): Extract<Reply, { kind: "events" }> {
  return { kind: "events", events: build(new ScriptBuilder()).completed({ fullOutput }) };
}

function dataFrames(wire: string): Record<string, unknown>[] {
  return wire.split("\n\n").filter((f) => f.startsWith("data: {")).map((f) =>
    JSON.parse(f.slice(6))
  );
}

Deno.test("reactor: a blocked `rm -rf /` never reaches the streaming client, the message does", async () => {
  await using proxy = await startProxy({ configYaml: EXAMPLE_WITH_REACTOR });
  proxy.fake.enqueue(
    events((b) =>
      b.text("Cleaning up.").toolCall("shell", RM_ROOT, { callId: "call_rmroot", fragments: 5 })
    ),
  );
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...REQUEST, stream: true }),
  });
  assertEquals(res.status, 200);
  const wire = await res.text();
  // The refusal names the command; nothing else of the call may show.
  const withoutMessage = wire.replace(RM_MESSAGE, "");
  for (const leaked of ["tool_calls", "call_rmroot", "rm -rf", "bash", "-lc"]) {
    assert(!withoutMessage.includes(leaked), `the client saw ${leaked}: ${wire}`);
  }
  const frames = dataFrames(wire);
  const content = frames.map((f) =>
    (f.choices as { delta: { content?: string } }[])[0]?.delta?.content ?? ""
  ).join("");
  assertEquals(content, `Cleaning up.\n\n${RM_MESSAGE}`);
  const finish = frames.map((f) =>
    (f.choices as { finish_reason: string | null }[])[0]?.finish_reason
  ).filter(Boolean);
  assertEquals(finish, ["stop"]);
  assert(wire.endsWith("data: [DONE]\n\n"));
  assert(
    proxy.logs.some((l) =>
      l.includes("tool-call reactor rule matched") && l.includes("no-rm-rf-root")
    ),
  );
});

Deno.test("reactor: blocked without streaming too, also when response.completed lists the output", async () => {
  await using proxy = await startProxy({ configYaml: EXAMPLE_WITH_REACTOR });
  for (const fullOutput of [false, true]) {
    proxy.fake.enqueue(
      events(
        (b) => b.toolCall("exec_command", '{"cmd":"git push --force origin main"}'),
        fullOutput,
      ),
    );
    const seen = await chatOnce(proxy.url, { body: REQUEST });
    assertEquals(seen.toolCalls, []);
    assertEquals(
      seen.content,
      "I won't force-push (rule no-force-push); use --force-with-lease or ask the user.",
    );
    assertEquals(seen.finishReason, "stop");
  }
});

Deno.test("reactor: an unmatched call streams incrementally, ≥3 argument fragments", async () => {
  await using proxy = await startProxy({ configYaml: EXAMPLE_WITH_REACTOR });
  const args = '{"path":"src/app.ts","start_line":1,"end_line":200}';
  proxy.fake.enqueue({
    ...events((b) => b.toolCall("read_file", args, { callId: "call_read", fragments: 4 })),
    delayMs: 120,
  });
  let upstreamDone = false;
  const stream = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...REQUEST, stream: true }),
  });
  proxy.fake.calls[0].closed.then(() => (upstreamDone = true));
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let wire = "";
  let firstFragmentBeforeUpstreamEnded: boolean | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    wire += value;
    if (firstFragmentBeforeUpstreamEnded === undefined && wire.includes('"arguments":"{')) {
      firstFragmentBeforeUpstreamEnded = !upstreamDone;
    }
  }
  assertEquals(firstFragmentBeforeUpstreamEnded, true);
  const fragments = dataFrames(wire).flatMap((f) =>
    (f.choices as { delta: { tool_calls?: { function: { arguments?: string } }[] } }[])[0]?.delta
      ?.tool_calls ?? []
  ).map((c) => c.function.arguments ?? "").filter((a) => a !== "");
  assert(fragments.length >= 3, `only ${fragments.length} fragments`);
  assertEquals(fragments.join(""), args);
});

Deno.test("reactor: a shell call no pattern matches passes whole, with all its fragments", async () => {
  await using proxy = await startProxy({ configYaml: EXAMPLE_WITH_REACTOR });
  const args = '{"command":["rm","-rf","/tmp/build"]}';
  proxy.fake.enqueue(events((b) => b.toolCall("shell", args, { callId: "c1", fragments: 4 })));
  const seen = await chatStream(proxy.url, { body: REQUEST });
  assertEquals(seen.toolCalls, [{ id: "c1", name: "shell", arguments: args }]);
  assertEquals(seen.argumentFragments, [4]);
  assertEquals(seen.finishReason, "tool_calls");
});

const REWRITE_CONFIG = `
backends:
  openai_codex:
    type: openai-codex
    extra:
      codex:
        default_capabilities: { bypass_tool_call_reactor: false }
        reactor_rules:
          - { name: audit-all, tool: '/.*/', action: log }
          - { name: rename-exec, tool: exec_command, action: rewrite, rename_to: run_terminal_cmd }
          - name: python3
            tool: shell
            argument_path: command.0
            pattern: '^python$'
            action: rewrite
            replace_with: python3
`;

Deno.test("reactor: a rewrite rule changes the name the client sees, still streamed", async () => {
  await using proxy = await startProxy({ configYaml: REWRITE_CONFIG });
  const args = '{"cmd":"ls -la","workdir":"/srv"}';
  for (const send of [chatStream, chatOnce]) {
    proxy.fake.enqueue(
      events((b) => b.toolCall("exec_command", args, { callId: "call_x", fragments: 4 }), true),
    );
    const seen = await send(proxy.url, { body: REQUEST });
    assertEquals(seen.toolCalls, [{ id: "call_x", name: "run_terminal_cmd", arguments: args }]);
    assertEquals(seen.finishReason, "tool_calls");
    if (send === chatStream) assertEquals(seen.argumentFragments, [4]);
  }
  const audits = proxy.logs.filter((l) => l.includes('"rule":"audit-all"'));
  assertEquals(audits.length, 2);
  assertStringIncludes(audits[0], '"tool":"exec_command"');
});

Deno.test("reactor: replace_with rewrites the value at argument_path", async () => {
  await using proxy = await startProxy({ configYaml: REWRITE_CONFIG });
  for (const send of [chatStream, chatOnce]) {
    proxy.fake.enqueue(
      events((b) =>
        b.toolCall("shell", '{"command":["python","x.py"]}', { callId: "c", fragments: 3 })
      ),
    );
    const seen = await send(proxy.url, { body: REQUEST });
    assertEquals(seen.toolCalls, [{
      id: "c",
      name: "shell",
      arguments: '{"command":["python3","x.py"]}',
    }]);
  }
  // Not matching the pattern: untouched.
  proxy.fake.enqueue(
    events((b) => b.toolCall("shell", '{"command":["python2","x.py"]}', { callId: "d" })),
  );
  const seen = await chatStream(proxy.url, { body: REQUEST });
  assertEquals(seen.toolCalls[0].arguments, '{"command":["python2","x.py"]}');
});

Deno.test("reactor: bypass_tool_call_reactor: true (the default) lets everything through", async () => {
  await using proxy = await startProxy({ configYaml: exampleYaml });
  proxy.fake.enqueue(events((b) => b.toolCall("shell", RM_ROOT, { callId: "call_rm" })));
  const seen = await chatStream(proxy.url, { body: REQUEST });
  assertEquals(seen.toolCalls, [{ id: "call_rm", name: "shell", arguments: RM_ROOT }]);
  // …and a request can switch the reactor on for itself.
  proxy.fake.enqueue(events((b) => b.toolCall("shell", RM_ROOT, { callId: "call_rm" })));
  const guarded = await chatStream(proxy.url, {
    body: { ...REQUEST, codex_capabilities: { bypass_tool_call_reactor: false } },
  });
  assertEquals(guarded.toolCalls, []);
  assertEquals(guarded.content, RM_MESSAGE);
});

Deno.test("reactor: bad rules are config errors naming the problem", () => {
  const rule = (r: string) =>
    `backends:\n  b:\n    type: openai-codex\n    extra:\n      codex:\n        reactor_rules:\n          - ${r}\n`;
  const cases: [string, string][] = [
    ["{ tool: shell, pattern: '(', action: block }", "pattern: not a valid regular expression"],
    ["{ tool: '/[/', action: block }", "tool: not a valid regular expression"],
    ["{ tool: shell, action: rewrite }", "needs rename_to, replace_with or both"],
    ["{ tool: shell, action: rewrite, replace_with: x }", "replace_with needs argument_path"],
    ["{ tool: shell, action: rewrite, rename_to: 'bad name' }", "rename_to: a tool name"],
    ["{ tool: shell, action: block, rename_to: x }", "rename_to only applies"],
  ];
  for (const [text, words] of cases) {
    let caught: unknown;
    try {
      parseConfigText(rule(text), "rules.yaml");
    } catch (err) {
      caught = err;
    }
    assert(caught instanceof ConfigError, text);
    assertStringIncludes(caught.message, "backends.b.extra.codex.reactor_rules.0");
    assertStringIncludes(caught.message, words);
  }
});
