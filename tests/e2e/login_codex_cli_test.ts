/**
 * The sign-in `codexgate login` writes, read by the REAL Codex CLI
 * (`@openai/codex`, pinned): runs tests/e2e/login_codex_cli.netns.ts inside
 * a loopback-only network namespace. Installs the CLI with npm into a cache
 * directory first when it is missing; skips, visibly, when the CLI or
 * `unshare -n` is unavailable.
 */
import { fileURLToPath } from "node:url";
import { assertEquals, assertMatch } from "../support/assert.ts";
import { DENO_JSON } from "../support/run_main.ts";
import { CODEX_VERSION, findRealCodexCli } from "../support/real_codex_cli.ts";

const SCRIPT = fileURLToPath(new URL("./login_codex_cli.netns.ts", import.meta.url));

const found = await findRealCodexCli();
const reason = "skip" in found ? found.skip : undefined;
if (reason) console.warn(`SKIPPED: codexgate login read by the real Codex CLI: ${reason}`);

Deno.test({
  name:
    `e2e login: the real Codex CLI ${CODEX_VERSION} accepts codexgate's sign-in (login status, exec) in a loopback-only netns` +
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
        SCRIPT,
      ],
      env: { CODEXGATE_IN_NETNS: "1", CODEXGATE_CODEX_BIN: bin, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(240_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    console.log(text.split("\n").filter((l) => /^cli |passed|failed|error/i.test(l)).join("\n"));
    assertEquals(out.code, 0, text);
    assertMatch(text, /ok \| 2 passed \| 0 failed/);
  },
});
