/**
 * Bad pool entries never stop the proxy: the same account twice, a torn or
 * unreadable file in a directory, an empty directory and a name used twice
 * each get a clear message at start, and the good accounts serve.
 */
import { join } from "node:path";
import { expandAccountEntries } from "../../src/auth/account_entries.ts";
import { startProxy } from "../support/harness.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";

const ENV = { HOME: "/nonexistent-home" };

async function badLayout(): Promise<{ root: string; entries: { name?: string; path: string }[] }> {
  const root = await Deno.makeTempDir({ prefix: "codexgate-bad-" });
  const dir = join(root, "pool");
  const empty = join(root, "empty");
  await Deno.mkdir(dir);
  await Deno.mkdir(empty);
  const alice = makeTokenSet({ accountId: "acct-alice" });
  await Deno.writeTextFile(join(dir, "alice.json"), authJson(alice));
  await Deno.writeTextFile(
    join(dir, "bob.json"),
    authJson(makeTokenSet({ accountId: "acct-bob" })),
  );
  // A copy of alice's sign-in under another name: the same account twice.
  await Deno.writeTextFile(join(dir, "copy.json"), authJson(alice));
  // Torn mid-write by some other program.
  await Deno.writeTextFile(join(dir, "torn.json"), authJson(alice).slice(0, 40));
  // A second "bob", from a file entry.
  const otherBob = join(root, "bob.json");
  await Deno.writeTextFile(otherBob, authJson(makeTokenSet({ accountId: "acct-bob-2" })));
  return {
    root,
    entries: [{ path: dir }, { path: empty }, { name: "bob", path: otherBob }],
  };
}

Deno.test("bad pool entries: each named in a message, the good accounts kept", async () => {
  const { root, entries } = await badLayout();
  try {
    const { members, problems } = expandAccountEntries(
      entries.map((e) => ({ ...e, disabled: false })),
      { env: ENV, platform: "linux" },
    );
    assertEquals(members.map((m) => m.name), ["alice", "bob"]);
    const text = problems.join("\n");
    assert(/copy\.json .*same ChatGPT account as "alice"/.test(text), text);
    assert(/torn\.json is skipped/.test(text), text);
    assert(/empty holds no sign-in files/.test(text), text);
    assert(/account name "bob" is used twice/.test(text), text);
    assertEquals(problems.length, 4);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a missing file entry is kept as needing sign-in; a missing directory is a message", () => {
  const { members, problems } = expandAccountEntries([
    { name: "later", path: "/nonexistent/later.json", disabled: false },
    { path: "/nonexistent/pool-dir", disabled: false },
  ], { env: ENV, platform: "linux" });
  assertEquals(members.map((m) => m.name), ["later"]);
  assert(problems[0].includes("codexgate login --account later"), problems[0]);
  assert(problems[1].includes("does not exist yet"), problems[1]);
});

Deno.test("the proxy starts with bad entries, logs each problem and serves with the good accounts", async () => {
  const { root, entries } = await badLayout();
  const yaml = [
    "backends:",
    "  openai_codex:",
    "    type: openai-codex",
    "    accounts:",
    ...entries.flatMap((e) => [
      `      - path: ${JSON.stringify(e.path)}`,
      ...(e.name ? [`        name: ${e.name}`] : []),
    ]),
  ].join("\n");
  try {
    await using proxy = await startProxy({ configYaml: yaml, noAuthFile: true });
    for (const file of ["alice.json", "bob.json"]) {
      const text = await Deno.readTextFile(join(root, "pool", file));
      const tokens = JSON.parse(text).tokens;
      proxy.fake.accept(tokens);
    }
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
    });
    assertEquals(res.status, 200, await res.clone().text());
    await res.body?.cancel();
    const warnings = proxy.logs.filter((l) => l.includes("accounts:"));
    assertEquals(warnings.length, 4, warnings.join("\n"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
