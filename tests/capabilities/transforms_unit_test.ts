/**
 * The capability transforms on their own, over backend event sequences:
 * ordering, freeform calls, cut streams, and what the accumulator rebuilds.
 */
import { assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { createLogger } from "../../src/log.ts";
import { ResponseAccumulator } from "../../src/upstream/response_accumulator.ts";
import { compileReactorRules } from "../../src/capabilities/reactor_rules.ts";
import { ToolCallReactor } from "../../src/capabilities/tool_call_reactor.ts";
import { ToolTextFormatter } from "../../src/capabilities/tool_text_format.ts";
import type { EventTransform } from "../../src/capabilities/event_transform.ts";
import type { UpstreamEvent } from "../../src/upstream/events.ts";
import type { ReactorRule } from "../../src/capabilities/reactor_rules.ts";
import { parseConfigText } from "../../src/config/load_config.ts";
import exampleYaml from "../../config.example.yaml" with { type: "text" };

const logs: string[] = [];
const logger = createLogger("debug", (l) => logs.push(l));

function reactor(rules: ReactorRule[]): ToolCallReactor {
  return new ToolCallReactor({ rules: compileReactorRules(rules), logger, requestId: "r1" });
}

function run(transform: EventTransform, events: readonly Record<string, unknown>[]) {
  const out = events.flatMap((e) => transform.push(structuredClone(e) as UpstreamEvent));
  const acc = new ResponseAccumulator();
  for (const e of out) acc.push(e);
  return { out, output: acc.result().output };
}

const BLOCK_SHELL_RM: ReactorRule = {
  name: "rm",
  tool: "shell",
  pattern: "\\brm\\s+-rf\\s+/(\\s|$)",
  action: "block",
  message: "no",
};

/** A function call's events, hand-written so two calls can interleave. */
function callEvents(id: string, callId: string, name: string, index: number, args: string[]) {
  const item = { id, type: "function_call", call_id: callId, name, arguments: "" };
  const full = args.join("");
  return {
    added: { type: "response.output_item.added", output_index: index, item },
    deltas: args.map((delta) => ({
      type: "response.function_call_arguments.delta",
      item_id: id,
      output_index: index,
      delta,
    })),
    done: [
      {
        type: "response.function_call_arguments.done",
        item_id: id,
        output_index: index,
        arguments: full,
      },
      {
        type: "response.output_item.done",
        output_index: index,
        item: { ...item, status: "completed", arguments: full },
      },
    ],
  };
}

Deno.test("reactor unit: a held call does not hold back a parallel unmatched call", () => {
  const a = callEvents("fc_a", "a", "shell", 0, ['{"command":', '["rm","-rf",', '"/"]}']);
  const b = callEvents("fc_b", "b", "read_file", 1, ['{"pa', 'th":', '"x"}']);
  const events = [
    { type: "response.created", response: { id: "resp_1" } },
    a.added,
    b.added,
    a.deltas[0],
    b.deltas[0],
    a.deltas[1],
    b.deltas[1],
    a.deltas[2],
    b.deltas[2],
    ...b.done,
    ...a.done,
    { type: "response.completed", response: { id: "resp_1", output: [] } },
  ];
  const { out, output } = run(reactor([BLOCK_SHELL_RM]), events);
  // Every event of b went out in its place; a's came only after a was decided, as a message.
  assertEquals(out.map((e) => `${e.type}:${e.output_index ?? ""}`), [
    "response.created:",
    "response.output_item.added:1",
    "response.function_call_arguments.delta:1",
    "response.function_call_arguments.delta:1",
    "response.function_call_arguments.delta:1",
    "response.function_call_arguments.done:1",
    "response.output_item.done:1",
    "response.output_item.added:0",
    "response.content_part.added:0",
    "response.output_text.delta:0",
    "response.output_text.done:0",
    "response.content_part.done:0",
    "response.output_item.done:0",
    "response.completed:",
  ]);
  assertEquals(output.map((i) => [i.type, i.call_id ?? i.content?.[0]?.text]), [
    ["message", "no"],
    ["function_call", "b"],
  ]);
});

Deno.test("reactor unit: freeform input is matched as raw text (apply_patch deleting files)", () => {
  const patch = "*** Begin Patch\n*** Delete File: src/app.ts\n*** End Patch";
  const events = new ScriptBuilder().text("Removing it.").customToolCall("apply_patch", patch, {
    callId: "p",
  }).completed();
  const { out, output } = run(
    reactor([{ tool: "apply_patch", pattern: "(^|\\n)\\*\\*\\* Delete File:", action: "block" }]),
    events,
  );
  assertEquals(out.some((e) => String(e.type).includes("custom_tool_call")), false);
  assertEquals(output.map((i) => i.content?.[0]?.text), [
    "Removing it.",
    "\n\ncodexgate blocked a call to `apply_patch` (rule: rule 1).",
  ]);
  // Without the pattern's match the call passes untouched (same event objects' content).
  const kept = run(
    reactor([{ tool: "apply_patch", pattern: "Delete File: /etc", action: "block" }]),
    events,
  );
  assertEquals(kept.output[1], { ...events.at(-2)!.item as object });
});

Deno.test("reactor unit: a stream that ends inside a held call is decided on what arrived", () => {
  const events = new ScriptBuilder().toolCall("shell", '{"command":["rm","-rf","/"]}', {
    fragments: 3,
  }).completed();
  // Drop arguments.done and output_item.done, keep the terminal event.
  const cut = events.filter((e) =>
    e.type !== "response.function_call_arguments.done" && e.type !== "response.output_item.done"
  );
  const { out } = run(reactor([BLOCK_SHELL_RM]), cut);
  assertEquals(out.at(-1)!.type, "response.completed");
  assertEquals(out.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta), [
    "no",
  ]);
});

Deno.test("tool_text_format unit: markdown of a freeform call is one JSON object with input", () => {
  const patch = '*** Begin Patch\n*** Add File: a.txt\n+say "hi"\n*** End Patch';
  const events = new ScriptBuilder().customToolCall("apply_patch", patch, {
    callId: "p1",
    fragments: 4,
  }).completed({ fullOutput: true });
  const { out, output } = run(new ToolTextFormatter("markdown"), events);
  const text = out.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)
    .join("");
  const head = "```tool_call\n";
  assertEquals(text.startsWith(head) && text.endsWith("\n```"), true, text);
  assertEquals(JSON.parse(text.slice(head.length, -4)), {
    name: "apply_patch",
    call_id: "p1",
    input: patch,
  });
  // The terminal event's output list carries the same text.
  assertEquals(output.map((i) => [i.type, i.content?.[0]?.text]), [["message", text]]);
});

Deno.test("reactor unit: the shipped rules guard every shell-like tool shape", () => {
  const config = parseConfigText(exampleYaml, "config.example.yaml");
  const rules = config.backends.openai_codex.extra.codex.reactor_rules;
  const shapes: [string, (cmd: string) => Record<string, unknown>[]][] = [
    ["shell", (cmd) => functionCall("shell", { command: ["bash", "-lc", cmd] })],
    ["exec_command", (cmd) => functionCall("exec_command", { cmd, workdir: "/repo" })],
    ["bash", (cmd) => functionCall("bash", { command: cmd })],
    ["local_shell_call", (cmd) => localShellCall(["bash", "-lc", cmd])],
  ];
  const dangerous = [
    "rm -rf /",
    "cd /tmp && rm -fr /*",
    "git push --force origin main",
    "git push origin main -f",
    "git reset --hard HEAD~3",
  ];
  const harmless = ["rm -rf /tmp/build", "git push --force-with-lease", "git reset --soft HEAD~1"];
  for (const [shape, build] of shapes) {
    for (const cmd of [...dangerous, ...harmless]) {
      const { output } = run(reactor(rules), build(cmd));
      const blocked = output.length === 1 && output[0].type === "message";
      assertEquals(blocked, dangerous.includes(cmd), `${shape}: ${cmd}`);
    }
  }
});

Deno.test("reactor unit: a local_shell_call is rewritten through its action", () => {
  const events = localShellCall(["python", "x.py"]);
  const { out, output } = run(
    reactor([{
      tool: "local_shell",
      argument_path: "command.0",
      pattern: "^python$",
      action: "rewrite",
      replace_with: "python3",
    }]),
    events,
  );
  assertEquals(output[0].action, { type: "exec", command: ["python3", "x.py"] });
  assertEquals(
    out.filter((e) => e.item).map((e) => (e.item!.action as { command: string[] }).command[0]),
    ["python3", "python3"],
  );
});

function functionCall(name: string, args: Record<string, unknown>): Record<string, unknown>[] {
  return new ScriptBuilder().toolCall(name, JSON.stringify(args), { fragments: 3 }).completed();
}

function localShellCall(command: string[]): Record<string, unknown>[] {
  const item = {
    id: "lsh_1",
    type: "local_shell_call",
    call_id: "call_ls",
    status: "in_progress",
    action: { type: "exec", command },
  };
  return [
    { type: "response.created", response: { id: "resp_ls" } },
    { type: "response.output_item.added", output_index: 0, item },
    { type: "response.output_item.done", output_index: 0, item: { ...item, status: "completed" } },
    { type: "response.completed", response: { id: "resp_ls", output: [] } },
  ];
}
