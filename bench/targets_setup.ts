/**
 * Starts the processes of a bench run, each a real subprocess on 127.0.0.1:
 * the bench upstream, codexgate in front of it (with the runtime flags of
 * `deno task start`, read from deno.json) with a throwaway CODEX_HOME, the
 * Deno floor (bench/floor.ts), and nginx (see nginx_process.ts).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { authJson, makeTokenSet, type TokenSet } from "../tests/support/tokens.ts";
import { type Child, freePort, spawnChild } from "./child_process.ts";

/** Path to the repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO_JSON = join(ROOT, "deno.json");

/** Credentials shared by codexgate (auth.json) and the upstream (which checks them). */
export interface BenchAuth {
  tokens: TokenSet;
  codexHome: string;
}

/** Writes a valid auth.json into a fresh temp CODEX_HOME. */
export async function prepareAuth(): Promise<BenchAuth> {
  const tokens = makeTokenSet();
  const codexHome = await Deno.makeTempDir({ prefix: "codexgate-bench-" });
  await Deno.writeTextFile(join(codexHome, "auth.json"), authJson(tokens), { mode: 0o600 });
  return { tokens, codexHome };
}

/** A Deno script of this repository started as a server on a free loopback port. */
interface DenoServer {
  /** The script, relative to the repository root. */
  script: string;
  /** `deno run` flags before the script (permissions, V8 flags). */
  flags: string[];
  /** Arguments after `--port N`. */
  args?: string[];
  env: Record<string, string>;
  cwd?: string;
}

/**
 * Runs `deno run --config deno.json <flags> <script> --port N <args>`; ready
 * when `/health` answers.
 */
async function startDenoServer(server: DenoServer): Promise<Child & { url: string }> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnChild({
    command: Deno.execPath(),
    args: [
      "run",
      "--config",
      DENO_JSON,
      ...server.flags,
      join(ROOT, server.script),
      "--port",
      String(port),
      ...(server.args ?? []),
    ],
    cwd: server.cwd,
    env: server.env,
    readyUrl: `${url}/health`,
  });
  return { ...child, url };
}

/** A started upstream. */
export interface UpstreamChild extends Child {
  origin: string;
  /** Base URL as codexgate wants it (OPENAI_API_BASE_URL). */
  baseUrl: string;
}

/** Starts bench/upstream.ts as a subprocess. */
export async function startUpstreamChild(auth: BenchAuth): Promise<UpstreamChild> {
  const { url: origin, ...child } = await startDenoServer({
    script: "bench/upstream.ts",
    flags: ["-A"],
    env: { BENCH_ACCESS_TOKEN: auth.tokens.access_token, BENCH_ACCOUNT_ID: auth.tokens.account_id },
  });
  return { ...child, origin, baseUrl: `${origin}/backend-api/codex` };
}

/** A started proxy (codexgate or the floor). */
export interface ProxyChild extends Child {
  url: string;
}

/**
 * The `deno run` flags of `deno task start` (deno.json), e.g.
 * `["-P=proxy", "--v8-flags=…"]`, so the bench runs codexgate as users do.
 */
export function startTaskFlags(denoJson: string = DENO_JSON): string[] {
  const tasks = (JSON.parse(Deno.readTextFileSync(denoJson)) as { tasks?: Record<string, string> })
    .tasks;
  const words = (tasks?.start ?? "").trim().split(/\s+/);
  const run = words.indexOf("run");
  const main = words.indexOf("main.ts");
  if (words[0] !== "deno" || run !== 1 || main < run) {
    throw new Error(`deno.json tasks.start is not \`deno run … main.ts\`: ${tasks?.start}`);
  }
  return words.slice(run + 1, main);
}

/** The start flags without `--v8-flags=…`: codexgate on V8's default heap sizes. */
export function withoutV8Flags(flags: readonly string[]): string[] {
  return flags.filter((f) => !f.startsWith("--v8-flags"));
}

/** How to start codexgate. */
export interface CodexgateOptions {
  /** `deno run` flags; the start task's by default. */
  flags?: string[];
  /** Writes a V8 CPU profile into this directory when the process exits. */
  cpuProfDir?: string;
  /** Extra arguments for codexgate itself (after `--port N`). */
  args?: string[];
}

/**
 * Starts codexgate as `deno task start` does (`deno run <its flags> main.ts
 * --port N`), pointed at the upstream; ready when `/health` answers.
 */
export async function startCodexgate(
  auth: BenchAuth,
  upstream: UpstreamChild,
  options: CodexgateOptions = {},
): Promise<ProxyChild> {
  const profile = options.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  return await startDenoServer({
    script: "main.ts",
    flags: [...(options.flags ?? startTaskFlags()), ...profile],
    args: options.args,
    // cwd is the temp CODEX_HOME, so no ./config.yaml of the developer is picked up.
    cwd: auth.codexHome,
    env: {
      CODEX_HOME: auth.codexHome,
      // The usage history goes to the throwaway dir too, not the user's (Linux's data dir).
      XDG_DATA_HOME: auth.codexHome,
      OPENAI_API_BASE_URL: upstream.baseUrl,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${upstream.origin}/oauth/token`,
    },
  });
}

/**
 * Starts the floor (bench/floor.ts) as a bare program: `deno run` with only
 * the permissions it needs and V8's defaults; ready when `/health` answers.
 */
export async function startFloor(auth: BenchAuth, upstream: UpstreamChild): Promise<ProxyChild> {
  return await startDenoServer({
    script: "bench/floor.ts",
    flags: ["--allow-net=127.0.0.1", "--allow-env"],
    cwd: auth.codexHome,
    env: {
      BENCH_UPSTREAM: upstream.baseUrl,
      BENCH_ACCESS_TOKEN: auth.tokens.access_token,
      BENCH_ACCOUNT_ID: auth.tokens.account_id,
    },
  });
}
