/**
 * `codexgate logout`: removes exactly the auth.json codexgate would use,
 * asks first in a terminal, refuses to guess without one.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { rememberSecrets } from "../support/secret_check.ts";
import { type LogoutOptions, runLogout } from "../../src/cli/logout.ts";
import { homeEnv, snapshotDir, tempHome } from "./login_harness.ts";

async function logout(
  args: string[],
  env: Record<string, string>,
  extra: Partial<LogoutOptions> = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLogout(args, {
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    env,
    readTextFile: () => undefined,
    isTerminal: () => false,
    ...extra,
  });
  return { code, out, err };
}

/** A Codex home with a sign-in and the files a Codex CLI keeps beside it. */
async function populatedHome(home: string): Promise<void> {
  const tokens = makeTokenSet();
  rememberSecrets(tokens);
  await Deno.writeTextFile(join(home, "auth.json"), authJson(tokens), { mode: 0o600 });
  await Deno.writeTextFile(join(home, "config.toml"), 'model = "gpt-5.4"\n');
  await Deno.writeTextFile(join(home, "auth.json.bak"), "{}\n");
  await Deno.mkdir(join(home, "sessions"));
  await Deno.writeTextFile(join(home, "sessions", "rollout.jsonl"), "{}\n");
}

/** Every file but auth.json (and the lock files) is byte for byte as before. */
async function assertOnlyAuthJsonGone(home: string, before: Map<string, string>): Promise<void> {
  const after = await snapshotDir(home);
  assert(!after.has("auth.json"), "auth.json is still there");
  for (const [name, text] of before) {
    if (name !== "auth.json") assertEquals(after.get(name), text, `${name} was touched`);
  }
  const extra = [...after.keys()].filter((n) => !before.has(n));
  assert(extra.every((n) => n === "auth.lock" || n === "auth.json.lock"), extra.join());
}

Deno.test("logout --yes removes auth.json and nothing else", async () => {
  await using tmp = await tempHome();
  await populatedHome(tmp.path);
  const before = await snapshotDir(tmp.path);
  const { code, out, err } = await logout(["--yes"], homeEnv(tmp.path));
  assertEquals(code, 0, err.join("\n"));
  assertEquals(out, [`Signed out: removed ${join(tmp.path, "auth.json")}.`]);
  await assertOnlyAuthJsonGone(tmp.path, before);
});

Deno.test("logout in a terminal asks first: yes removes, no keeps (exit 1)", async () => {
  await using tmp = await tempHome();
  await populatedHome(tmp.path);
  const questions: string[] = [];
  const declined = await logout([], homeEnv(tmp.path), {
    isTerminal: () => true,
    confirm: (q) => (questions.push(q), false),
  });
  assertEquals(declined.code, 1);
  assertEquals(declined.out, [`Kept ${join(tmp.path, "auth.json")}; nothing was removed.`]);
  assertStringIncludes(
    questions[0],
    `Remove ${join(tmp.path, "auth.json")} (dev@example.test, account acct-111…)?`,
  );
  await Deno.stat(join(tmp.path, "auth.json"));

  const before = await snapshotDir(tmp.path);
  const agreed = await logout([], homeEnv(tmp.path), {
    isTerminal: () => true,
    confirm: () => true,
  });
  assertEquals(agreed.code, 0);
  await assertOnlyAuthJsonGone(tmp.path, before);
});

Deno.test("logout without a terminal and without --yes refuses in one line (exit 1)", async () => {
  await using tmp = await tempHome();
  await populatedHome(tmp.path);
  const before = await snapshotDir(tmp.path);
  const { code, out, err } = await logout([], homeEnv(tmp.path));
  assertEquals(code, 1);
  assertEquals(out, []);
  assertEquals(err, [
    `codexgate logout: not removing ${
      join(tmp.path, "auth.json")
    } without asking, and there is no terminal to ask in; pass --yes to remove it`,
  ]);
  assertEquals(await snapshotDir(tmp.path), before);
});

Deno.test("logout with nothing signed in says so and exits 0", async () => {
  await using tmp = await tempHome();
  const { code, out } = await logout(["--yes"], homeEnv(tmp.path));
  assertEquals(code, 0);
  assertStringIncludes(
    out[0],
    `Not signed in: no auth.json found (tried ${join(tmp.path, "auth.json")} (CODEX_HOME)`,
  );
});

Deno.test("logout removes the file codexgate uses (OPENAI_CODEX_PATH first) and names the one it falls back to", async () => {
  await using tmp = await tempHome();
  await populatedHome(tmp.path);
  const other = join(tmp.path, "work");
  await Deno.mkdir(other);
  const work = makeTokenSet({ accountId: "acct-work-0001" });
  rememberSecrets(work);
  await Deno.writeTextFile(join(other, "auth.json"), authJson(work), { mode: 0o600 });
  const home = await Deno.readTextFile(join(tmp.path, "auth.json"));
  const env = { ...homeEnv(tmp.path), OPENAI_CODEX_PATH: other };
  const { code, out } = await logout(["--yes"], env);
  assertEquals(code, 0);
  assertEquals(out, [
    `Signed out: removed ${join(other, "auth.json")}.`,
    `codexgate now reads ${
      join(tmp.path, "auth.json")
    } (CODEX_HOME) instead; run \`codexgate logout\` again to remove that one too.`,
  ]);
  assertEquals(await Deno.readTextFile(join(tmp.path, "auth.json")), home);
});

Deno.test("logout --auth-path removes that file only; a held auth.lock past the bound keeps it", async () => {
  await using tmp = await tempHome();
  await populatedHome(tmp.path);
  const elsewhere = join(tmp.path, "sessions", "mine.json");
  const mine = makeTokenSet();
  rememberSecrets(mine);
  await Deno.writeTextFile(elsewhere, authJson(mine), { mode: 0o600 });

  using held = await Deno.open(join(tmp.path, "sessions", "auth.lock"), {
    create: true,
    write: true,
  });
  await held.lock(true);
  const blocked = await logout(["--yes", "--auth-path", elsewhere], homeEnv(tmp.path), {
    lockTimeoutMs: 300,
  });
  assertEquals(blocked.code, 1);
  assertEquals(blocked.err.length, 1);
  assertStringIncludes(blocked.err[0], "stayed locked by another program");
  assertStringIncludes(blocked.err[0], "nothing was removed");
  await Deno.stat(elsewhere);
  await held.unlock();

  const before = await snapshotDir(tmp.path);
  const { code } = await logout(["--yes", "--auth-path", elsewhere], homeEnv(tmp.path));
  assertEquals(code, 0);
  const after = await snapshotDir(tmp.path);
  assert(!after.has(join("sessions", "mine.json")));
  assertEquals(after.get("auth.json"), before.get("auth.json"));
});
