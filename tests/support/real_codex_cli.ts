/**
 * Finds the pinned real Codex CLI for the tests that drive it, installing it
 * with npm into a cache directory when missing (before any network namespace
 * is entered), and checks that `unshare -n` works. Gives the reason to skip
 * when either is impossible.
 *
 * Environment: `CODEXGATE_CODEX_BIN` (use this binary), `CODEXGATE_INSTALL_CODEX=0`
 * (never install), `XDG_CACHE_HOME` / `HOME` (where the cache lives).
 *
 * @module
 */
import { join } from "node:path";
import { assert } from "./assert.ts";

/** The Codex CLI version the tests pin. */
export const CODEX_VERSION = "0.169.0";

/** Where the pinned CLI is installed. */
export function codexCacheDir(): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(base, "codexgate-test", `codex-${CODEX_VERSION}`);
}

async function run(cmd: string, args: string[], timeoutMs: number) {
  try {
    return await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
  } catch {
    return undefined;
  }
}

async function isCodex(bin: string): Promise<boolean> {
  const out = await run(bin, ["--version"], 30_000);
  return !!out?.success && new TextDecoder().decode(out.stdout).includes(CODEX_VERSION);
}

/** The CLI binary, or the reason the real-CLI tests must be skipped. */
export async function findRealCodexCli(): Promise<{ bin: string } | { skip: string }> {
  if (Deno.build.os !== "linux") return { skip: "needs Linux network namespaces" };
  const netns = await run("unshare", ["-n", "sh", "-c", "ip link set lo up"], 10_000);
  if (!netns?.success) {
    return { skip: "`unshare -n` is not available (needs root or user namespaces, and `ip`)" };
  }
  const given = Deno.env.get("CODEXGATE_CODEX_BIN");
  if (given) {
    return (await isCodex(given))
      ? { bin: given }
      : { skip: `${given} is not codex ${CODEX_VERSION}` };
  }
  const dir = codexCacheDir();
  const bin = join(dir, "node_modules", ".bin", "codex");
  if (await isCodex(bin)) return { bin };
  if (Deno.env.get("CODEXGATE_INSTALL_CODEX") === "0") {
    return { skip: `no codex ${CODEX_VERSION} at ${bin}` };
  }
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    return { skip: `cannot create ${dir}: ${err}` };
  }
  const install = await run("npm", [
    "install",
    "--prefix",
    dir,
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `@openai/codex@${CODEX_VERSION}`,
  ], 300_000);
  if (!install?.success) return { skip: `npm could not install @openai/codex@${CODEX_VERSION}` };
  return (await isCodex(bin)) ? { bin } : { skip: `the installed codex at ${bin} does not run` };
}

/**
 * Runs `script` (a Deno program) with the Codex CLI binary as its argument
 * inside a new loopback-only network namespace, and returns the JSON of the
 * last line it printed (its report).
 *
 * @throws {AssertionError} when the program fails (its stderr's tail says why).
 */
export async function runInLoopbackNetns<T>(script: URL, codexBin: string): Promise<T> {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const out = await new Deno.Command("unshare", {
    args: [
      "-n",
      "sh",
      "-c",
      `ip link set lo up && exec ${quote(Deno.execPath())} run -A ${quote(script.pathname)} ${
        quote(codexBin)
      }`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  const stdout = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(stdout.at(-1)!) as T;
}
