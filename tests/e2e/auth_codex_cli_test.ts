/**
 * codexgate next to the REAL Codex CLI (`@openai/codex`, pinned): runs the
 * rounds of tests/e2e/codex_cli_rounds.netns.ts inside a loopback-only
 * network namespace (the CLI phones home to chatgpt.com and github.com even
 * with a custom provider). Installs the CLI with npm into a cache directory
 * first when it is missing; skips, visibly, when the CLI or `unshare -n`
 * is unavailable.
 */
import { fileURLToPath } from "node:url";
import { assertEquals, assertMatch } from "../support/assert.ts";
import { DENO_JSON } from "../support/run_main.ts";
import { CODEX_VERSION, findRealCodexCli } from "../support/real_codex_cli.ts";

const ROUNDS = fileURLToPath(new URL("./codex_cli_rounds.netns.ts", import.meta.url));

const found = await findRealCodexCli();
const reason = "skip" in found ? found.skip : undefined;
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
