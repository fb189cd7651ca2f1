/**
 * Runs inside a loopback-only network namespace (started by
 * codex_cli_websocket_test.ts): the real Codex CLI, with a provider that sets
 * `supports_websockets = true`, runs a plain turn, a tool round trip and a
 * resumed turn through codexgate, in both Responses modes, and one JSON
 * report is printed on stdout: the CLI's events, what the backend got, and
 * how every request reached codexgate (upgrade or HTTP `POST`).
 *
 * Usage: deno run -A codex_cli_websocket_scenario.ts <codex binary>
 *
 * @module
 */
import { startProxy } from "../support/harness.ts";
import { type CliRun, makeCliDirs, runCli, startSinkhole } from "./codex_cli_scenario.ts";
import { NORMALIZED_CONFIG, PASSTHROUGH_CONFIG } from "./support.ts";

/** One mode's runs and what codexgate saw. */
export interface SocketPhaseReport {
  name: string;
  runs: CliRun[];
  /** Bodies the fake backend got, in order. */
  backendInputs: Record<string, unknown>[][];
  /** `METHOD path status` of every request codexgate's request log recorded. */
  requests: { id: string; method: string; path: string; status: number }[];
  /** Request ids of the turns that arrived as socket frames. */
  socketTurnIds: string[];
  /** The socket frames codexgate got (type, previous_response_id present, generate). */
  frames: { previous: boolean; generate?: boolean; items?: number }[];
}

const TURNS = [["Say hi"], ["CALL_TOOL=exec_command"], ["resume", "--last", "Say more"]];

async function phase(codexBin: string, sink: string, name: string, config: string) {
  await using proxy = await startProxy({ configYaml: config });
  const dirs = await makeCliDirs(proxy.url, ["supports_websockets = true"]);
  const runs: CliRun[] = [];
  try {
    for (const args of TURNS) runs.push(await runCli(codexBin, dirs, sink, args));
  } finally {
    await Deno.remove(dirs.home, { recursive: true }).catch(() => {});
    await Deno.remove(dirs.work, { recursive: true }).catch(() => {});
  }
  const lines = proxy.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  const report: SocketPhaseReport = {
    name,
    runs,
    backendInputs: proxy.fake.calls.map((c) => c.body?.input as Record<string, unknown>[]),
    requests: lines.filter((l) => l.msg === "request").map((l) => ({
      id: String(l.id),
      method: String(l.method),
      path: String(l.path),
      status: Number(l.status),
    })),
    socketTurnIds: lines.filter((l) => l.msg === "websocket turn").map((l) => String(l.requestId)),
    frames: lines.filter((l) => l.msg === "websocket frame").map((l) => ({
      previous: typeof l.previous_response_id === "string",
      generate: l.generate as boolean | undefined,
      items: l.input_items as number | undefined,
    })),
  };
  return report;
}

async function main(codexBin: string): Promise<void> {
  const sinkhole = startSinkhole();
  const phases: SocketPhaseReport[] = [];
  try {
    phases.push(await phase(codexBin, sinkhole.url, "passthrough", PASSTHROUGH_CONFIG));
    phases.push(await phase(codexBin, sinkhole.url, "normalized", NORMALIZED_CONFIG));
  } finally {
    await sinkhole.close();
  }
  console.log(JSON.stringify({ phases, sinkholeHits: sinkhole.hits() }));
}

if (import.meta.main) await main(Deno.args[0]);
