/**
 * The real Codex CLI (pinned) with `supports_websockets = true`, inside a
 * loopback-only network namespace: a multi-turn `codex exec` session (plain
 * answer, tool round trip, `exec resume`) runs over codexgate's Responses
 * WebSocket, not HTTP (docs/websocket-and-compaction.md#websocket). Skips,
 * saying why, when the CLI or `unshare -n` is unavailable.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { CODEX_VERSION, findRealCodexCli, runInLoopbackNetns } from "../support/real_codex_cli.ts";
import type { SocketPhaseReport } from "./codex_cli_websocket_scenario.ts";

const found = await findRealCodexCli();
const skipReason = "skip" in found ? found.skip : undefined;
const codexBin = "bin" in found ? found.bin : "";
if (skipReason) console.warn(`\n⚠ SKIPPED: the real Codex CLI socket tests: ${skipReason}\n`);
const skipNote = skipReason ? ` (SKIPPED: ${skipReason})` : "";

let report: Promise<{ phases: SocketPhaseReport[]; sinkholeHits: number }> | undefined;
function scenario() {
  report ??= runInLoopbackNetns<{ phases: SocketPhaseReport[]; sinkholeHits: number }>(
    new URL("./codex_cli_websocket_scenario.ts", import.meta.url),
    codexBin,
  );
  return report;
}

function agentMessages(events: Record<string, unknown>[]): string[] {
  return events.filter((e) => e.type === "item.completed")
    .map((e) => e.item as Record<string, unknown>)
    .filter((i) => i.type === "agent_message").map((i) => String(i.text));
}

for (const mode of ["passthrough", "normalized"]) {
  Deno.test({
    name:
      `codex cli ${CODEX_VERSION} over WebSocket (${mode}): plain turn, tool round trip, exec resume; no HTTP turn${skipNote}`,
    ignore: skipReason !== undefined,
    async fn() {
      const r = await scenario();
      const p = r.phases.find((x) => x.name === mode)!;
      const [hi, tool, resumed] = p.runs;
      for (const run of p.runs) assertEquals(run.code, 0, run.stderrTail);
      assertEquals(agentMessages(hi.events), ["Echo: Say hi"]);
      const toolAnswer = agentMessages(tool.events).join("\n");
      assert(toolAnswer.startsWith("Tool said:") && toolAnswer.includes("hi"), toolAnswer);
      assertEquals(
        tool.events.filter((e) =>
          e.type === "item.completed" &&
          (e.item as Record<string, unknown>).type === "command_execution"
        ).length,
        1,
      );
      assertEquals(agentMessages(resumed.events), ["Echo: Say more"]);

      // It used the socket: one upgrade per `codex exec`, and every completion request
      // codexgate logged is a turn of a socket; none came as a plain HTTP POST.
      const upgrades = p.requests.filter((q) => q.method === "GET" && q.status === 101);
      assertEquals(upgrades.length, 3);
      const posts = p.requests.filter((q) => q.method === "POST" && q.path === "/v1/responses");
      assert(posts.length >= 4, JSON.stringify(p.requests));
      assertEquals(posts.map((q) => q.id).sort(), [...p.socketTurnIds].sort());
      assert(posts.every((q) => q.status === 200), JSON.stringify(posts));
      // Later turns sent previous_response_id with only their new input, and were served
      // from codexgate's store: the tool output turn reached the backend with the whole
      // conversation (4 backend calls: hi, tool call, tool output, resumed turn).
      assert(p.frames.some((f) => f.previous && (f.items ?? 0) <= 2), JSON.stringify(p.frames));
      assertEquals(p.backendInputs.length, 4);
      const toolTurn = p.backendInputs[2];
      assert(toolTurn.some((i) => i.type === "function_call"));
      assertEquals(toolTurn.at(-1)!.type, "function_call_output");
      // Warm-ups (generate: false) never reached the backend.
      assert(p.frames.some((f) => f.generate === false));
    },
  });
}
