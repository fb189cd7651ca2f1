/**
 * `codexgate accounts` lists every account with its state and latest usage;
 * `codexgate login --account <name>` writes the file that account uses.
 */
import { join } from "node:path";
import { runAccounts } from "../../src/cli/accounts.ts";
import { accountStatePath, dataDir } from "../../src/state/data_dir.ts";
import { FileAccountStateStore } from "../../src/state/file_account_state_store.ts";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startFakeIssuer } from "../support/fake_issuer.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { homeEnv, startLogin, tempHome } from "../login/login_harness.ts";

function poolYaml(dir: string): string {
  return [
    "backends:",
    "  openai_codex:",
    "    type: openai-codex",
    "    accounts:",
    `      - path: ${JSON.stringify(join(dir, "pool"))}`,
    "      - name: dave",
    `        path: ${JSON.stringify(join(dir, "dave.json"))}`,
    "        disabled: true",
    "      - name: carol",
    `        path: ${JSON.stringify(join(dir, "carol.json"))}`,
  ].join("\n");
}

async function run(args: string[], env: Record<string, string>, yaml: string, now: number) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAccounts(args, {
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    env,
    platform: "linux",
    now: () => now,
    readTextFile: (path) => (path === "pool.yaml" ? yaml : undefined),
  });
  return { code, out, err };
}

Deno.test("codexgate accounts: name, email, plan, state and 5-hour/weekly usage of every account", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  const env = homeEnv(home);
  await Deno.mkdir(join(home, "pool"));
  const alice = makeTokenSet({ accountId: "acct-alice", planType: "pro" });
  const bob = makeTokenSet({ accountId: "acct-bob" });
  const dave = makeTokenSet({ accountId: "acct-dave" });
  rememberSecrets(alice);
  rememberSecrets(bob);
  await Deno.writeTextFile(join(home, "pool", "alice.json"), authJson(alice));
  await Deno.writeTextFile(join(home, "pool", "bob.json"), authJson(bob));
  await Deno.writeTextFile(join(home, "dave.json"), authJson(dave));
  const now = Date.parse("2026-12-02T08:00:00Z");
  const until = now + 2 * 3600_000;
  // What a running proxy left behind: bob cooling, alice's latest figures.
  const state = new FileAccountStateStore({
    path: accountStatePath(dataDir({}, env, "linux")),
    now: () => now,
  });
  await state.saveLimits("openai_codex", "alice", {
    primaryUsedPercent: 37,
    primaryResetsAt: "2026-12-02T10:00:00.000Z",
    secondaryUsedPercent: 64,
    secondaryResetsAt: "2026-12-07T00:00:00.000Z",
    updatedAt: new Date(now).toISOString(),
  });
  await state.setCondition("openai_codex", "bob", {
    kind: "cooling",
    until,
    reason: "usage limit reached",
  });

  const { code, out, err } = await run(["--config", "pool.yaml"], env, poolYaml(home), now);
  assertEquals(code, 0, err.join("\n"));
  const row = (name: string) => out.find((l) => l.startsWith(`${name} `)) ?? "";
  assertStringIncludes(out.join("\n"), "5-HOUR USED");
  assertStringIncludes(row("alice"), "dev@example.test");
  assertStringIncludes(row("alice"), "pro");
  assertStringIncludes(row("alice"), "ready");
  assertStringIncludes(row("alice"), "37% (resets 2026-12-02T10:00:00.000Z)");
  assertStringIncludes(row("alice"), "64% (resets 2026-12-07T00:00:00.000Z)");
  assertStringIncludes(row("bob"), `cooling until ${new Date(until).toISOString()}`);
  assertStringIncludes(row("carol"), "needs sign-in (codexgate login --account carol)");
  assertStringIncludes(row("dave"), "disabled");
  assertEquals(linesWithSecrets([...out, ...err]), []);

  const json = await run(["--config", "pool.yaml", "--json"], env, poolYaml(home), now);
  const parsed = JSON.parse(json.out.join("\n"));
  assertEquals(
    parsed.backends.openai_codex.map((a: { name: string; state: string }) => [a.name, a.state]),
    [["alice", "ready"], ["bob", "cooling"], ["dave", "disabled"], ["carol", "needs_sign_in"]],
  );
  // After bob's reset time it is ready again.
  const later = await run(["--config", "pool.yaml"], env, poolYaml(home), until + 1000);
  assertStringIncludes(later.out.find((l) => l.startsWith("bob ")) ?? "", "ready");
});

Deno.test("codexgate accounts without an accounts list: the one sign-in as 'default'; --help; bad --backend", async () => {
  await using tmp = await tempHome();
  const env = homeEnv(tmp.path);
  await Deno.writeTextFile(join(tmp.path, "auth.json"), authJson(makeTokenSet()));
  const { code, out } = await run([], env, "", Date.now());
  assertEquals(code, 0);
  assert(out.some((l) => l.startsWith("default ") && l.includes("ready")), out.join("\n"));
  const help = await run(["--help"], env, "", Date.now());
  assertEquals(help.code, 0);
  assertStringIncludes(help.out.join("\n"), "codexgate login --account <name>");
  const bad = await run(["--backend", "nope"], env, "", Date.now());
  assertEquals(bad.code, 2);
  assertStringIncludes(bad.err.join("\n"), "--backend: expected one of openai_codex");
});

Deno.test("login --account: writes <name>.json into the pool's directory (created), or the named file entry", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  await using issuer = await startFakeIssuer({ redirectPorts: [], deviceIntervalSeconds: 1 });
  const yaml = poolYaml(home);
  const readTextFile = (path: string) => (path === "pool.yaml" ? yaml : undefined);
  const base = ["--device-auth", "--issuer", issuer.url, "--config", "pool.yaml"];

  const intoDir = startLogin([...base, "--account", "work"], { env: homeEnv(home), readTextFile });
  assertEquals(await intoDir.code, 0, intoDir.err.join("\n"));
  const written = JSON.parse(await Deno.readTextFile(join(home, "pool", "work.json")));
  rememberSecrets(issuer.issued[0]);
  assertEquals(written.tokens.refresh_token, issuer.issued[0].refresh_token);

  const named = startLogin([...base, "--account", "carol"], { env: homeEnv(home), readTextFile });
  assertEquals(await named.code, 0, named.err.join("\n"));
  assert((await Deno.stat(join(home, "carol.json"))).isFile);
  assertEquals(linesWithSecrets([...intoDir.out, ...named.out, ...named.err]), []);

  const both = startLogin([...base, "--account", "x", "--auth-path", home], {
    env: homeEnv(home),
    readTextFile,
  });
  assertEquals(await both.code, 2);
  const noPool = startLogin(["--device-auth", "--issuer", issuer.url, "--account", "x"], {
    env: homeEnv(home),
  });
  assertEquals(await noPool.code, 1);
  assertStringIncludes(noPool.err.join("\n"), "has no accounts list");
});
