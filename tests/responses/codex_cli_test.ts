/**
 * The real Codex CLI (`@openai/codex`, pinned) against codexgate + the fake
 * backend, inside a loopback-only network namespace. Skips, saying why, when
 * the CLI cannot be installed or `unshare -n` is not allowed
 * (docs/testing.md#real-client-tests).
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { CODEX_VERSION, findRealCodexCli, runInLoopbackNetns } from "../support/real_codex_cli.ts";
import { LITE_MODEL, type PhaseReport, type ScenarioReport } from "./codex_cli_scenario.ts";

const found = await findRealCodexCli();
const skipReason = "skip" in found ? found.skip : undefined;
const codexBin = "bin" in found ? found.bin : "";
if (skipReason) console.warn(`\n⚠ SKIPPED: the real Codex CLI tests: ${skipReason}\n`);
const skipNote = skipReason ? ` (SKIPPED: ${skipReason})` : "";

let report: Promise<ScenarioReport> | undefined;
/** Runs the scenario once for all tests of this file. */
function scenario(): Promise<ScenarioReport> {
  report ??= runInLoopbackNetns<ScenarioReport>(
    new URL("./codex_cli_scenario.ts", import.meta.url),
    codexBin,
  );
  return report;
}

type Item = Record<string, unknown>;

function completedItems(events: Record<string, unknown>[], type: string): Item[] {
  return events.filter((e) => e.type === "item.completed").map((e) => e.item as Item)
    .filter((i) => i.type === type);
}

function phase(r: ScenarioReport, name: string): PhaseReport {
  const found = r.phases.find((p) => p.name === name);
  assert(found, `phase ${name} missing`);
  return found;
}

for (const mode of ["passthrough", "normalized"]) {
  Deno.test({
    name: `codex cli ${CODEX_VERSION} (${mode}): plain answer through codexgate${skipNote}`,
    ignore: skipReason !== undefined,
    async fn() {
      const p = phase(await scenario(), mode);
      const cli = p.runs[0];
      assertEquals(cli.code, 0, cli.stderrTail);
      assertEquals(completedItems(cli.events, "agent_message").map((i) => i.text), [
        "Echo: Say hi",
      ]);
      const threadId = cli.events.find((e) => e.type === "thread.started")?.thread_id;
      assert(typeof threadId === "string");
      const turn = cli.events.find((e) => e.type === "turn.completed") as Item;
      assertEquals((turn.usage as Item).input_tokens, 12);

      const call = p.calls[0];
      const body = call.body!;
      const input = body.input as Item[];
      // Every item id the CLI sent was stripped; the backend would refuse them.
      assert(input.every((i) => !("id" in i)));
      assertEquals(input.at(-1), {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "Say hi" }],
      });
      assertEquals(body.store, false);
      assertEquals(body.stream, true);
      assertEquals(body.instructions, p.baseInstructions);
      // Session continuity: the CLI's own session id is the cache key and the session headers.
      assertEquals(body.prompt_cache_key, threadId);
      assertEquals(call.headers["session-id"], threadId);
      assertEquals(call.headers["thread-id"], threadId);
      assertEquals((body.client_metadata as Item).session_id, threadId);
      // The CLI's tool kinds reached the backend as it sent them.
      const types = (body.tools as Item[]).map((t) => t.type);
      assert(types.includes("function") && types.includes("namespace"), types.join());
      assert(types.includes("web_search"), types.join());
      assert((body.tools as Item[]).some((t) => t.name === "exec_command"));
    },
  });

  Deno.test({
    name:
      `codex cli ${CODEX_VERSION} (${mode}): the fake calls exec_command, the CLI runs it and sends the result${skipNote}`,
    ignore: skipReason !== undefined,
    async fn() {
      const p = phase(await scenario(), mode);
      const cli = p.runs[1];
      assertEquals(cli.code, 0, cli.stderrTail);
      const commands = completedItems(cli.events, "command_execution");
      assertEquals(commands.length, 1);
      assertStringIncludes(String(commands[0].command), "echo hi");
      assertEquals(commands[0].aggregated_output, "hi\n");
      assertEquals(commands[0].exit_code, 0);
      const answer = completedItems(cli.events, "agent_message").map((i) => String(i.text));
      assertEquals(answer.length, 1);
      assert(answer[0].startsWith("Tool said: "), answer[0]);
      assertStringIncludes(answer[0], "hi");

      // Request 2 of this run carries the call and the CLI's output, ids stripped.
      const input = p.calls[2].body!.input as Item[];
      const [call, output] = input.slice(-2);
      assertEquals(call.type, "function_call");
      assertEquals(call.name, "exec_command");
      assertEquals(call.arguments, '{"cmd":"echo hi"}');
      assertEquals(output.type, "function_call_output");
      assertEquals(output.call_id, call.call_id);
      assertStringIncludes(String(output.output), "hi");
      assert(input.every((i) => !("id" in i)));
      // Same conversation, same session id on both requests of the turn.
      assertEquals(p.calls[2].headers["session-id"], p.calls[1].headers["session-id"]);
    },
  });
}

for (const mode of ["passthrough", "normalized"]) {
  Deno.test({
    name:
      `codex cli ${CODEX_VERSION} (${mode}): \`exec resume --last\` sends the whole session again, same session id${skipNote}`,
    ignore: skipReason !== undefined,
    async fn() {
      const p = phase(await scenario(), mode);
      const [, toolTurn, resumed] = p.runs;
      assertEquals(resumed.code, 0, resumed.stderrTail);
      assertEquals(completedItems(resumed.events, "agent_message").map((i) => i.text), [
        "Echo: Say more",
      ]);
      const threadOf = (run: typeof resumed) =>
        run.events.find((e) => e.type === "thread.started")?.thread_id;
      assertEquals(threadOf(resumed), threadOf(toolTurn));

      assertEquals(p.calls.length, 4);
      const before = p.calls[2].body!.input as Item[];
      const after = p.calls[3].body!.input as Item[];
      // The earlier turn verbatim, then the model's answer (its id stripped), then the new prompt.
      assertEquals(after.slice(0, before.length), before);
      const answer = after[before.length];
      assertEquals(answer.type, "message");
      assertEquals(answer.role, "assistant");
      assert(!("id" in answer));
      assertStringIncludes(JSON.stringify(answer.content), "Tool said: ");
      assertEquals(after.at(-1), {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "Say more" }],
      });
      assertEquals(p.calls[3].headers["session-id"], threadOf(toolTurn));
      assertEquals(p.calls[3].body!.prompt_cache_key, threadOf(toolTurn));
    },
  });
}

Deno.test({
  name:
    `codex cli ${CODEX_VERSION}: its first developer message, when it is the catalog's text, becomes instructions${skipNote}`,
  ignore: skipReason !== undefined,
  async fn() {
    const r = await scenario();
    const plain = phase(r, "passthrough").calls[0].body!;
    const matched = phase(r, "catalog-match");
    assertEquals(matched.runs[0].code, 0, matched.runs[0].stderrTail);
    const body = matched.calls[0].body!;
    const cliText = matched.baseInstructions;
    assert(cliText.length > 1000, "the CLI's own prompt was captured");
    assertEquals(body.instructions, cliText);
    const input = body.input as Item[];
    // Sent once, not twice: the input is the CLI's minus that first developer message.
    assertEquals(input.length, (plain.input as Item[]).length - 1);
    assert(!JSON.stringify(input).includes(JSON.stringify(cliText).slice(1, 200)));
  },
});

for (const mode of ["passthrough", "normalized"]) {
  Deno.test({
    name:
      `codex cli ${CODEX_VERSION} (${mode}): a Responses Lite model gets its tools as additional_tools, and the tool turn works${skipNote}`,
    ignore: skipReason !== undefined,
    async fn() {
      const p = phase(await scenario(), `lite-${mode}`);
      const cli = p.runs[0];
      assertEquals(cli.code, 0, cli.stderrTail);
      const commands = completedItems(cli.events, "command_execution");
      assertEquals(commands.map((c) => c.exit_code), [0]);
      assertEquals(p.calls.length, 2);
      for (const call of p.calls) {
        const body = call.body!;
        assertEquals(body.model, LITE_MODEL);
        assertEquals(call.headers["x-openai-internal-codex-responses-lite"], "true");
        assertEquals("tools" in body, false);
        assertEquals(body.parallel_tool_calls, false);
        const lite = (body.input as Item[]).filter((i) => i.type === "additional_tools");
        assertEquals(lite.length, 1);
        assertEquals(lite[0].role, "developer");
        assertStringIncludes(JSON.stringify(lite[0].tools), "exec_command");
      }
      const output = (p.calls[1].body!.input as Item[]).at(-1)!;
      assertEquals(output.type, "function_call_output");
    },
  });
}
