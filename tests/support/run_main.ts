/**
 * Runs `main.ts` as a real subprocess (what `deno task start` does).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Path to main.ts. */
export const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
/** Path to deno.json (so the subprocess uses the project's import map). */
export const DENO_JSON = fileURLToPath(new URL("../../deno.json", import.meta.url));

let denoDir: Promise<string> | undefined;

/**
 * The env a child gets: the caller's, plus this Deno's cache dir. Tests give
 * the child a throwaway HOME, and Deno's cache lives under HOME by default: a
 * child without DENO_DIR would download every npm package again (slowly, or
 * not at all offline).
 */
async function childEnv(env: Record<string, string> | undefined) {
  if (env === undefined || env.DENO_DIR !== undefined) return env;
  denoDir ??= new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stderr: "null" })
    .output()
    .then((out) => JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string);
  return { DENO_DIR: Deno.env.get("DENO_DIR") ?? await denoDir, ...env };
}

/** Runs main.ts to completion with `args`. */
export async function runMain(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", DENO_JSON, "-A", MAIN, ...args],
    env: await childEnv(options.env),
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A running main.ts server. */
export interface RunningMain extends AsyncDisposable {
  url: string;
  process: Deno.ChildProcess;
  /** Everything written to stderr so far. */
  stderr: () => string;
}

/** Options of {@link startMain}. */
export interface StartMainOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Run under `ulimit -n` of this many file descriptors (through bash; not on Windows). */
  fdLimit?: number;
}

/** Starts main.ts serving on a free port; resolves when `/health` answers. */
export async function startMain(
  args: string[],
  options: StartMainOptions = {},
): Promise<RunningMain> {
  const port = await freePort();
  const denoArgs = ["run", "--config", DENO_JSON, "-A", MAIN, "--port", String(port), ...args];
  const [command, commandArgs] = options.fdLimit === undefined
    ? [Deno.execPath(), denoArgs]
    : ["bash", [
      "-c",
      `ulimit -n ${options.fdLimit} && exec "$@"`,
      "bash",
      Deno.execPath(),
      ...denoArgs,
    ]];
  const process = new Deno.Command(command, {
    args: commandArgs,
    env: await childEnv(options.env),
    cwd: options.cwd,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let err = "";
  const dec = new TextDecoder();
  (async () => {
    for await (const chunk of process.stderr) err += dec.decode(chunk);
  })();
  const url = `http://127.0.0.1:${port}`;
  // Bounded, but generous: a loaded 2-core machine can take seconds to start a process.
  let exited = false;
  process.status.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not yet listening */ }
    if (exited) throw new Error(`main.ts exited before answering /health:\n${err}`);
    if (Date.now() > deadline) {
      process.kill("SIGKILL");
      throw new Error(`main.ts did not answer /health within 60 s:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const close = async () => {
    try {
      process.kill("SIGTERM");
    } catch { /* already gone */ }
    await process.status;
  };
  return { url, process, stderr: () => err, [Symbol.asyncDispose]: close };
}

/** A free loopback port. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Env for a main.ts subprocess with a throwaway HOME (run_main.ts adds DENO_DIR). */
export function subprocessEnv(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { HOME: home, CODEX_HOME: home, PATH: Deno.env.get("PATH") ?? "", ...extra };
}
