/**
 * A refresh never spends a refresh token it cannot keep: with auth.json's
 * directory not writable (and auth.lock already there, so the lock itself
 * works), codexgate does not call the token endpoint, serves with the token
 * while it is valid, and refreshes once the directory is writable again.
 * When the write fails only after the endpoint answered, the new tokens are
 * served from memory, shown in /status and written when that works.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { makeUnwritable, makeWritable } from "../support/unwritable_dir.ts";
import { errorOf, postChat, waitFor } from "../ops/ops_helpers.ts";
import { runAuthStatus } from "../../src/cli/auth_status.ts";

async function tokensOnDisk(dir: string): Promise<Record<string, string>> {
  return JSON.parse(await Deno.readTextFile(join(dir, "auth.json"))).tokens;
}

Deno.test("unwritable auth dir: no refresh token is spent; the account stays signed in", async () => {
  await using proxy = await startProxy({ tokens: { expiresIn: 60 } }); // within the refresh margin
  const dir = proxy.codexHome;
  await Deno.writeTextFile(join(dir, "auth.lock"), "");
  await makeUnwritable(dir);
  try {
    // Still valid for a minute: served with it, and the endpoint is not called.
    const served = await postChat(proxy.url, { model: "gpt-5.4" });
    assertEquals(served.status, 200);
    assertEquals(proxy.fake.tokenCalls.length, 0);
    assertEquals(proxy.fake.calls[0].headers.authorization, `Bearer ${proxy.tokens.access_token}`);
    assert(proxy.logs.some((l) => l.includes("auth_not_writable") || l.includes("cannot write")));
    const lines: string[] = [];
    await runAuthStatus([], proxy.env, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    assertStringIncludes(lines.join("\n"), "write-back:   NOT POSSIBLE");
  } finally {
    await makeWritable(dir);
  }
  // Writable again: the refresh happens, is saved, and the account is still signed in.
  const next = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(next.status, 200);
  assertEquals(proxy.fake.tokenCalls.length, 1);
  const [issued] = proxy.fake.issued;
  assertEquals((await tokensOnDisk(dir)).refresh_token, issued.refresh_token);
  assertEquals(proxy.fake.calls[1].headers.authorization, `Bearer ${issued.access_token}`);
});

Deno.test("unwritable auth dir with an expired token: 503 auth_not_writable, token unspent", async () => {
  await using proxy = await startProxy({ tokens: { expiresIn: -60 } });
  const dir = proxy.codexHome;
  await Deno.writeTextFile(join(dir, "auth.lock"), "");
  await makeUnwritable(dir);
  try {
    const refused = await postChat(proxy.url, { model: "gpt-5.4" });
    assertEquals(refused.status, 503);
    assertEquals(errorOf(refused.json).code, "auth_not_writable");
    assertStringIncludes(errorOf(refused.json).message, "refresh token stays unused");
    assertEquals(proxy.fake.tokenCalls.length, 0);
  } finally {
    await makeWritable(dir);
  }
  assertEquals((await postChat(proxy.url, { model: "gpt-5.4" })).status, 200);
  assertEquals(proxy.fake.tokenCalls.length, 1);
});

Deno.test("write fails after the endpoint answered: new tokens served from memory, shown, saved later", async () => {
  await using proxy = await startProxy({ tokens: { expiresIn: -60 }, fake: { tokenDelayMs: 300 } });
  const dir = proxy.codexHome;
  await Deno.writeTextFile(join(dir, "auth.lock"), "");
  await Deno.writeTextFile(join(dir, "auth.json.lock"), "");
  // The directory becomes unwritable while the token endpoint is answering.
  const answer = postChat(proxy.url, { model: "gpt-5.4" });
  await waitFor(() => proxy.fake.tokenCalls.length === 1);
  await makeUnwritable(dir);
  try {
    const served = await answer;
    assertEquals(served.status, 200);
    const [issued] = proxy.fake.issued;
    assertEquals(proxy.fake.calls.at(-1)!.headers.authorization, `Bearer ${issued.access_token}`);
    assertEquals((await tokensOnDisk(dir)).refresh_token, proxy.tokens.refresh_token);
    assert(proxy.logs.some((l) => l.includes("could not save the refreshed ChatGPT sign-in")));
    const status = await (await fetch(`${proxy.url}/status`)).json();
    assertStringIncludes(status.backends.openai_codex.account.unsaved, "in memory only");
    // Still in memory: the next request needs no refresh.
    assertEquals((await postChat(proxy.url, { model: "gpt-5.4" })).status, 200);
    assertEquals(proxy.fake.tokenCalls.length, 1);
  } finally {
    await makeWritable(dir);
  }
  // Writable again: the next use writes them (retries run at most once a second).
  const saved = () => proxy.logs.some((l) => l.includes("saved the refreshed ChatGPT sign-in"));
  for (let i = 0; i < 200 && !saved(); i++) {
    await (await fetch(`${proxy.url}/status`)).body?.cancel();
    await new Promise((r) => setTimeout(r, 100));
  }
  assert(saved(), "the tokens were written once the directory was writable");
  const [issued] = proxy.fake.issued;
  assertEquals((await tokensOnDisk(dir)).refresh_token, issued.refresh_token);
  const status = await (await fetch(`${proxy.url}/status`)).json();
  assertEquals(status.backends.openai_codex.account.unsaved, undefined);
  assertEquals(proxy.fake.tokenCalls.length, 1);
});
