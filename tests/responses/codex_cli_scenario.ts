/**
 * Runs inside a loopback-only network namespace (started by
 * codex_cli_test.ts): starts the fake backend, codexgate and a sinkhole
 * proxy, points the real Codex CLI at codexgate as a custom provider, runs
 * `codex exec` for a plain answer, a tool turn and a resumed second turn,
 * with passthrough on and off, and prints one JSON report on stdout.
 *
 * Usage: deno run -A codex_cli_scenario.ts <codex binary>
 *
 * @module
 */
import { join } from "node:path";
import { startProxy } from "../support/harness.ts";
import { FAKE_MODELS } from "../support/fake_codex.ts";
import { NORMALIZED_CONFIG, PASSTHROUGH_CONFIG } from "./support.ts";

/** What one `codex exec` run produced. */
export interface CliRun {
  prompt: string;
  code: number;
  /** The CLI's `--json` events, one per stdout line. */
  events: Record<string, unknown>[];
  stderrTail: string;
}

/** One proxy + fake, and the CLI runs against it. */
export interface PhaseReport {
  name: string;
  runs: CliRun[];
  /** Every request the fake backend got, in order. */
  calls: { headers: Record<string, string>; body: Record<string, unknown> | undefined }[];
  /** The proxy's one-line request records. */
  requestLog: string[];
  /** The base instructions the fake catalog offered. */
  baseInstructions: string;
}

/** The report printed as the last stdout line. */
export interface ScenarioReport {
  phases: PhaseReport[];
  /** Connections the sinkhole refused (the CLI reaching for the internet). */
  sinkholeHits: number;
}

/** The fake catalog's model flagged `use_responses_lite`. */
export const LITE_MODEL = "gpt-5.6-lite";

/** A plain answer, a tool turn, then a second turn of the tool turn's session. */
const TURNS = [["Say hi"], ["CALL_TOOL=exec_command"], ["resume", "--last", "Say more"]];

/** A proxy that answers every request 403, so nothing leaves even if a route existed. */
export function startSinkhole(): { url: string; hits: () => number; close: () => Promise<void> } {
  let hits = 0;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    for await (const conn of listener) {
      hits++;
      conn.write(new TextEncoder().encode("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n"))
        .catch(() => {})
        .finally(() => conn.close());
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    hits: () => hits,
    close: async () => {
      listener.close();
      await done;
    },
  };
}

/** Where one phase's CLI keeps its state: sessions persist between its runs. */
export interface CliDirs {
  home: string;
  work: string;
}

export async function makeCliDirs(
  proxyUrl: string,
  providerLines: string[] = [],
): Promise<CliDirs> {
  const home = await Deno.makeTempDir({ prefix: "codexgate-cli-home-" });
  const work = await Deno.makeTempDir({ prefix: "codexgate-cli-work-" });
  await Deno.writeTextFile(
    join(home, "config.toml"),
    [
      `model = "gpt-5.4"`,
      `model_provider = "codexgate"`,
      `approval_policy = "never"`,
      ``,
      `[model_providers.codexgate]`,
      `name = "codexgate"`,
      `base_url = "${proxyUrl}/v1"`,
      `env_key = "CODEXGATE_API_KEY"`,
      `wire_api = "responses"`,
      ...providerLines,
      ``,
    ].join("\n"),
  );
  return { home, work };
}

/** Runs `codex exec <args>` once; `args` ends with the prompt. */
export async function runCli(
  codexBin: string,
  dirs: CliDirs,
  sink: string,
  args: string[],
): Promise<CliRun> {
  const child = new Deno.Command(codexBin, {
    args: ["exec", "--skip-git-repo-check", "--json", ...args],
    cwd: dirs.work,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: dirs.home,
      CODEX_HOME: dirs.home,
      CODEXGATE_API_KEY: "unused-by-codexgate",
      HTTP_PROXY: sink,
      HTTPS_PROXY: sink,
      http_proxy: sink,
      https_proxy: sink,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      RUST_LOG: "error",
    },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  const out = await child.output();
  clearTimeout(timer);
  const events = new TextDecoder().decode(out.stdout).split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return { unparsed: l };
      }
    });
  return {
    prompt: args.at(-1)!,
    code: out.code,
    events,
    stderrTail: new TextDecoder().decode(out.stderr).slice(-2000),
  };
}

async function phase(
  name: string,
  options: { codexBin: string; sink: string; config: string; baseInstructions?: string },
  runArgs: string[][],
): Promise<PhaseReport> {
  const models = options.baseInstructions === undefined
    ? FAKE_MODELS
    : FAKE_MODELS.map((m) =>
      m.slug === "gpt-5.4" ? { ...m, base_instructions: options.baseInstructions } : m
    );
  await using proxy = await startProxy({ configYaml: options.config, fake: { models } });
  const dirs = await makeCliDirs(proxy.url);
  const runs: CliRun[] = [];
  try {
    for (const args of runArgs) runs.push(await runCli(options.codexBin, dirs, options.sink, args));
  } finally {
    await Deno.remove(dirs.home, { recursive: true }).catch(() => {});
    await Deno.remove(dirs.work, { recursive: true }).catch(() => {});
  }
  return {
    name,
    runs,
    calls: proxy.fake.calls.map((c) => ({ headers: c.headers, body: c.body })),
    requestLog: proxy.logs.filter((l) => l.includes('"msg":"request"')),
    baseInstructions: String(models.find((m) => m.slug === "gpt-5.4")!.base_instructions),
  };
}

async function main(codexBin: string): Promise<void> {
  const sinkhole = startSinkhole();
  const base = { codexBin, sink: sinkhole.url };
  const phases: PhaseReport[] = [];
  try {
    phases.push(
      await phase("passthrough", { ...base, config: PASSTHROUGH_CONFIG }, TURNS),
    );
    phases.push(
      await phase("normalized", { ...base, config: NORMALIZED_CONFIG }, TURNS),
    );
    // A model the catalog serves as "Responses Lite": a tool turn in both modes.
    for (
      const [name, config] of [
        ["lite-passthrough", PASSTHROUGH_CONFIG],
        ["lite-normalized", NORMALIZED_CONFIG],
      ] as const
    ) {
      phases.push(
        await phase(name, { ...base, config }, [["-m", LITE_MODEL, "CALL_TOOL=exec_command"]]),
      );
    }
    // As with the real backend, whose catalog holds the text the CLI sends as its first
    // developer message: give the fake catalog the CLI's own text (captured at run time).
    const cliPrompt = firstDeveloperText(phases[0].calls[0]?.body);
    if (cliPrompt !== undefined) {
      phases.push(
        await phase(
          "catalog-match",
          { ...base, config: PASSTHROUGH_CONFIG, baseInstructions: cliPrompt },
          [["Say hi"]],
        ),
      );
    }
  } finally {
    await sinkhole.close();
  }
  const report: ScenarioReport = { phases, sinkholeHits: sinkhole.hits() };
  console.log(JSON.stringify(report));
}

function firstDeveloperText(body: Record<string, unknown> | undefined): string | undefined {
  const first = (body?.input as { role?: string; content?: { text?: string }[] }[] | undefined)
    ?.[0];
  if (first?.role !== "developer") return undefined;
  return (first.content ?? []).map((p) => p.text ?? "").join("");
}

if (import.meta.main) await main(Deno.args[0]);
