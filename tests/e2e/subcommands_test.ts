/**
 * The subcommands as a person runs them: main.ts dispatches each with the
 * environment it read (only the names in ENV_NAMES).
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { runMain } from "../support/run_main.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "codexgate-sub-" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

function envFor(home: string): Record<string, string> {
  return { HOME: home, USERPROFILE: home, CODEX_HOME: home, OPENAI_CODEX_PATH: "" };
}

Deno.test("subcommands: `codexgate auth status` reports the sign-in found via CODEX_HOME", async () => {
  await withHome(async (home) => {
    const tokens = makeTokenSet({ planType: "team" });
    await Deno.writeTextFile(join(home, "auth.json"), authJson(tokens), { mode: 0o600 });
    const { code, stdout, stderr } = await runMain(["auth", "status"], {
      env: envFor(home),
      cwd: home,
    });
    assertEquals(code, 0, stderr);
    assertStringIncludes(stdout, `${join(home, "auth.json")} (from CODEX_HOME)`);
    assertStringIncludes(stdout, "team");
    for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
      assert(!stdout.includes(secret) && !stderr.includes(secret), "a token was printed");
    }
  });
});

Deno.test("subcommands: `codexgate auth status` without a sign-in exits 1", async () => {
  await withHome(async (home) => {
    const { code, stdout, stderr } = await runMain(["auth", "status"], {
      env: envFor(home),
      cwd: home,
    });
    assertEquals(code, 1);
    assertStringIncludes(stdout + stderr, join(home, "auth.json"));
  });
});

Deno.test("subcommands: `codexgate auth` without `status` is a usage error", async () => {
  for (const args of [["auth"], ["auth", "login"]]) {
    const { code, stdout, stderr } = await runMain(args, { env: {} });
    assertEquals(code, 2, args.join(" "));
    assertEquals(stdout, "");
    assertEquals(
      stderr.trim(),
      "codexgate auth: expected `codexgate auth status` (see codexgate --help)",
    );
  }
});

Deno.test("subcommands: --help lists init, auth status and doctor with their flags", async () => {
  const { code, stdout } = await runMain(["--help"], { env: {} });
  assertEquals(code, 0);
  assertStringIncludes(stdout, "codexgate init ");
  assertStringIncludes(stdout, "(--path <file or dir>, --force to replace one)");
  assertStringIncludes(stdout, "codexgate auth status");
  assertStringIncludes(stdout, "codexgate doctor ");
  assertStringIncludes(stdout, "(--config <file>, --timeout <s> per check, default 5)");
});

Deno.test("subcommands: `codexgate auth status --help` prints usage; a bad flag points to it", async () => {
  const help = await runMain(["auth", "status", "--help"]);
  assertEquals(help.code, 0);
  assertStringIncludes(help.stdout, "Usage: codexgate auth status");
  const bad = await runMain(["auth", "status", "--bogus"]);
  assertEquals(bad.code, 2);
  assertStringIncludes(bad.stderr, "codexgate auth status: ");
  assertStringIncludes(bad.stderr, "(see codexgate auth status --help)");
});
