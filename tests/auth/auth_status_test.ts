import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { runAuthStatus } from "../../src/cli/auth_status.ts";
import { describeAuthStartup } from "../../src/auth/describe_auth_startup.ts";
import { resolveConfig } from "../../src/config/load_config.ts";
import { configSchema } from "../../src/config/schema.ts";

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "codexgate-status-" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function status(args: string[], env: Record<string, string>, now = Date.now()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuthStatus(args, env, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => now,
    readTextFile: () => undefined,
  });
  return { code, out, err };
}

Deno.test("runAuthStatus() shows path, mode, short account, plan, expiry, last refresh; no secret", async () => {
  await withHome(async (home) => {
    const tokens = makeTokenSet({
      accountId: "acct-1234567890abcdef",
      planType: "pro",
      expiresIn: 3 * 86400,
    });
    rememberSecrets(tokens);
    await Deno.writeTextFile(join(home, "auth.json"), authJson(tokens), { mode: 0o600 });
    const { code, out, err } = await status([], { CODEX_HOME: home });
    assertEquals(code, 0);
    assertEquals(err, []);
    const text = out.join("\n");
    assertStringIncludes(text, `auth.json:    ${join(home, "auth.json")} (from CODEX_HOME)`);
    if (Deno.build.os !== "windows") assertStringIncludes(text, "file mode:    0600");
    assertStringIncludes(text, "account:      acct-123… (dev@example.test)");
    assertStringIncludes(text, "plan:         pro");
    assertStringIncludes(text, "(in 2 d 23 h)");
    assertStringIncludes(text, "status:       usable");
    assert(!text.includes("acct-1234567890abcdef"));
    assertEquals(linesWithSecrets(out), []);
  });
});

Deno.test("runAuthStatus() exits 1 listing every path tried when there is no auth.json", async () => {
  await withHome(async (home) => {
    const { code, out } = await status([], { CODEX_HOME: join(home, "codex"), HOME: home });
    assertEquals(code, 1);
    const text = out.join("\n");
    assertStringIncludes(text, `${join(home, "codex", "auth.json")} (CODEX_HOME)`);
    assertStringIncludes(text, `${join(home, ".codex", "auth.json")} (home directory)`);
    assertStringIncludes(text, "NOT USABLE");
    assertStringIncludes(text, "codex login");
  });
});

Deno.test("runAuthStatus() exits 1 for an API-key sign-in, 0 for an expired token it can refresh", async () => {
  await withHome(async (home) => {
    await Deno.writeTextFile(
      join(home, "auth.json"),
      JSON.stringify({ auth_mode: "apikey", OPENAI_API_KEY: "sk-test-not-real" }),
    );
    const apikey = await status([], { CODEX_HOME: home });
    assertEquals(apikey.code, 1);
    assertStringIncludes(apikey.out.join("\n"), 'auth_mode "apikey"');
    assert(!apikey.out.join("\n").includes("sk-test"));

    const expired = makeTokenSet({ expiresIn: -7200 });
    rememberSecrets(expired);
    await Deno.writeTextFile(join(home, "auth.json"), authJson(expired), { mode: 0o600 });
    const later = await status([], { CODEX_HOME: home });
    assertEquals(later.code, 0);
    assertStringIncludes(later.out.join("\n"), "(2 h 0 min ago); refreshed on next use");
  });
});

Deno.test("runAuthStatus() refuses unknown flags and backends with exit 2", async () => {
  assertEquals((await status(["--bogus"], {})).code, 2);
  const res = await status(["--backend", "nope"], {});
  assertEquals(res.code, 2);
  assertStringIncludes(res.err[0], "expected one of openai_codex");
});

Deno.test("describeAuthStartup() warns with every path tried, or notes the sign-in found", async () => {
  await withHome(async (home) => {
    const config = resolveConfig(configSchema.parse({}), {
      env: {},
      flags: {},
      source: "test",
    });
    const env = { CODEX_HOME: home, HOME: home, OPENAI_CODEX_PATH: join(home, "elsewhere") };
    const missing = await describeAuthStartup(config, { env, platform: "linux" });
    assertEquals(missing.length, 1);
    assertEquals(missing[0].level, "warn");
    for (
      const part of [
        `${join(home, "elsewhere", "auth.json")} (OPENAI_CODEX_PATH)`,
        `${join(home, "elsewhere")} (OPENAI_CODEX_PATH)`,
        `${join(home, "auth.json")} (CODEX_HOME)`,
        `${join(home, ".codex", "auth.json")} (home directory)`,
        "codex login",
      ]
    ) assertStringIncludes(missing[0].message, part);

    const tokens = makeTokenSet();
    rememberSecrets(tokens);
    await Deno.writeTextFile(join(home, "auth.json"), authJson(tokens), { mode: 0o644 });
    const found = await describeAuthStartup(config, { env, platform: "linux" });
    assertEquals(found[0].level, "info");
    assertEquals(found[0].fields.path, join(home, "auth.json"));
    assertEquals(found[0].fields.account, "acct-111…");
    if (Deno.build.os !== "windows") {
      assertEquals(found[1].level, "warn");
      assertStringIncludes(found[1].message, "mode 0644");
    }
    assertEquals(linesWithSecrets(found.map((n) => JSON.stringify(n))), []);
  });
});
