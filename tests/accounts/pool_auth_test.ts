/**
 * Each account of a pool keeps the sign-in protocol of a single auth.json:
 * under concurrent load, N accounts with expired tokens are refreshed exactly
 * once each; an account whose refresh token is refused for good needs a new
 * sign-in, is skipped and never retried in a loop; cooling survives a restart.
 */
import { join } from "node:path";
import { replies } from "../support/fake_codex.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { accountsOfCalls, chatBody, startPool } from "./pool_harness.ts";

async function chat(url: string, conversation: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(chatBody(conversation)),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("three accounts with expired tokens under concurrent load: exactly one refresh per account", async () => {
  const ids = ["acct-r1", "acct-r2", "acct-r3"];
  await using pool = await startPool(
    ids.map((accountId, i) => ({ name: `r${i}`, accountId, tokens: { expiresIn: -10 } })),
  );
  const { proxy } = pool;
  const statuses = await Promise.all(
    Array.from({ length: 30 }, (_, i) => chat(proxy.url, `load-${i}`)),
  );
  assertEquals(statuses.filter((s) => s !== 200), []);
  const refreshed = proxy.fake.tokenCalls.map((c) => c.body?.refresh_token);
  assertEquals(refreshed.length, 3, `token calls: ${refreshed.length}`);
  assertEquals(new Set(refreshed).size, 3);
  for (const name of ["r0", "r1", "r2"]) {
    assert(refreshed.includes(pool.tokens.get(name)!.refresh_token), `${name} refreshed`);
  }
  assertEquals(new Set(accountsOfCalls(proxy)).size, 3, "every account served");
});

Deno.test("a refresh refused for good: the account needs sign-in, is skipped, and is not retried in a loop", async () => {
  await using pool = await startPool([
    { name: "gone", accountId: "acct-gone", tokens: { expiresIn: -10 }, unknownToFake: true },
    { name: "fine", accountId: "acct-fine" },
  ]);
  const { proxy } = pool;
  for (let i = 0; i < 6; i++) assertEquals(await chat(proxy.url, `s-${i}`), 200);
  assertEquals(proxy.fake.tokenCalls.length, 1, "one refusal, then the account is skipped");
  assertEquals(new Set(accountsOfCalls(proxy)), new Set(["acct-fine"]));
  assertEquals(proxy.logs.filter((l) => l.includes("needs a new sign-in")).length, 1);

  // A new sign-in in its file brings it back without a restart.
  const fresh = makeTokenSet({ accountId: "acct-gone" });
  proxy.fake.accept(fresh);
  await Deno.writeTextFile(join(pool.dir, "gone.json"), authJson(fresh), { mode: 0o600 });
  for (let i = 0; i < 4; i++) assertEquals(await chat(proxy.url, `t-${i}`), 200);
  assert(accountsOfCalls(proxy).includes("acct-gone"), "signed in again, it serves");
});

Deno.test("an account cooling until its reset stays cooling after a restart", async () => {
  const home = await Deno.makeTempDir({ prefix: "codexgate-home-" });
  // The data directory both runs share: the XDG default under this home.
  const env = { HOME: home, XDG_DATA_HOME: join(home, ".local", "share") };
  try {
    const accounts = [{ name: "a", accountId: "acct-a" }, { name: "b", accountId: "acct-b" }];
    {
      await using first = await startPool(accounts, { env });
      first.proxy.fake.limitAccount("acct-a", replies.usageLimit(3600));
      for (let i = 0; i < 2; i++) assertEquals(await chat(first.proxy.url, `before-${i}`), 200);
      assert(accountsOfCalls(first.proxy).includes("acct-a"), "a met its limit");
    }
    const saved = JSON.parse(
      await Deno.readTextFile(join(home, ".local", "share", "codexgate", "account_state.json")),
    );
    assertEquals(saved.backends.openai_codex.a.condition.kind, "cooling");
    await using second = await startPool(accounts, { env });
    for (let i = 0; i < 4; i++) assertEquals(await chat(second.proxy.url, `after-${i}`), 200);
    assertEquals(new Set(accountsOfCalls(second.proxy)), new Set(["acct-b"]));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
