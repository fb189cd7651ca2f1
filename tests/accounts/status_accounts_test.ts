/**
 * A pooled backend's accounts on `/status` (and so on the status page): one
 * entry per account, with its state, and never a full account id.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { chatBody, startPool } from "./pool_harness.ts";

Deno.test("/status lists every pooled account with its state; a limited one is cooling", async () => {
  await using pool = await startPool([
    { name: "alpha", accountId: "acct-alpha-000000000001" },
    { name: "beta", accountId: "acct-beta-0000000000002" },
  ]);
  const { proxy } = pool;
  proxy.fake.limitAccount("acct-alpha-000000000001", replies.usageLimit(3600));
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chatBody(`c-${i}`)),
    });
    assertEquals(res.status, 200);
    await res.body?.cancel();
  }
  const res = await fetch(`${proxy.url}/status`);
  const text = await res.text();
  const status = JSON.parse(text) as {
    accounts: { backend: string; name: string; state: string; cooling_until?: string }[];
  };
  const byName = new Map(status.accounts.map((a) => [a.name, a]));
  assertEquals([...byName.keys()].sort(), ["alpha", "beta"]);
  assertEquals(byName.get("beta")?.state, "ready");
  assertEquals(byName.get("alpha")?.state, "cooling");
  assert(Date.parse(byName.get("alpha")?.cooling_until ?? "") > Date.now(), "cools until a reset");
  assert(!text.includes("acct-alpha-000000000001"), "no full account id");
});
