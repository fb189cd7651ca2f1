/**
 * codexgate next to the REAL Codex CLI (`@openai/codex`, pinned): runs the
 * rounds of tests/e2e/codex_cli_rounds.netns.ts inside a loopback-only
 * network namespace (the CLI phones home to chatgpt.com and github.com even
 * with a custom provider). Installs the CLI with npm into a cache directory
 * first when it is missing; skips, visibly, when the CLI or `unshare -n`
 * is unavailable.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals, assertMatch } from "../support/assert.ts";
import { DENO_JSON } from "../support/run_main.ts";

const CODEX_VERSION = "0.169.0";
const ROUNDS = fileURLToPath(new URL("./codex_cli_rounds.netns.ts", import.meta.url));

/** Shared with tests/responses/codex_cli_test.ts, so the CLI is installed once. */
function cacheDir(): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return Deno.env.get("CODEXGATE_CODEX_CLI_DIR") ??
    join(base, "codexgate-test", `codex-cli-${CODEX_VERSION}`);
}

async function run(
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<Deno.CommandOutput | undefined> {
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

/** The pinned CLI, installed with npm into the cache when missing; or why not. */
async function findCodex(): Promise<{ bin: string } | { skip: string }> {
  const given = Deno.env.get("CODEXGATE_CODEX_BIN");
  if (given) {
    return (await isCodex(given))
      ? { bin: given }
      : { skip: `${given} is not codex ${CODEX_VERSION}` };
  }
  const bin = join(cacheDir(), "node_modules", ".bin", "codex");
  if (await isCodex(bin)) return { bin };
  if (Deno.env.get("CODEXGATE_INSTALL_CODEX") === "0") {
    return { skip: `no codex ${CODEX_VERSION} at ${bin}` };
  }
  await Deno.mkdir(cacheDir(), { recursive: true });
  const install = await run("npm", [
    "install",
    "--prefix",
    cacheDir(),
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `@openai/codex@${CODEX_VERSION}`,
  ], 300_000);
  if (!install?.success) return { skip: `npm could not install @openai/codex@${CODEX_VERSION}` };
  return (await isCodex(bin)) ? { bin } : { skip: `the installed codex at ${bin} does not run` };
}

async function unavailable(): Promise<string | { bin: string }> {
  if (Deno.build.os !== "linux") return "needs Linux network namespaces";
  const netns = await run("unshare", ["-n", "sh", "-c", "ip link set lo up"], 10_000);
  if (!netns?.success) {
    return "`unshare -n` is not available (needs root or user namespaces, and `ip`)";
  }
  const codex = await findCodex();
  return "skip" in codex ? codex.skip : codex;
}

const found = await unavailable();
const reason = typeof found === "string" ? found : undefined;
if (reason) console.warn(`SKIPPED: codexgate next to the real Codex CLI: ${reason}`);

Deno.test({
  name: `e2e auth: rounds next to the real Codex CLI ${CODEX_VERSION} in a loopback-only netns` +
    (reason ? ` (SKIPPED: ${reason})` : ""),
  ignore: reason !== undefined,
  fn: async () => {
    const bin = (found as { bin: string }).bin;
    const out = await new Deno.Command("unshare", {
      args: [
        "-n",
        "sh",
        "-c",
        'ip link set lo up && exec "$@"',
        "sh",
        Deno.execPath(),
        "test",
        "-A",
        "--config",
        DENO_JSON,
        ROUNDS,
      ],
      env: { CODEXGATE_IN_NETNS: "1", CODEXGATE_CODEX_BIN: bin, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(240_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    console.log(
      text.split("\n").filter((l) => /^cli |^round |passed|failed|error/i.test(l)).join("\n"),
    );
    assertEquals(out.code, 0, text);
    assertMatch(text, /ok \| 6 passed \| 0 failed/);
  },
});
