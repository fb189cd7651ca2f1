import { join } from "node:path";
import OpenAI from "openai";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { ALL_LOG_LINES, type ProxyHarness, startProxy } from "../support/harness.ts";
import { replies } from "../support/fake_codex.ts";
import { authJson, makeTokenSet, type TokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { withFileLock } from "../../src/auth/auth_lock.ts";

async function readAuth(proxy: ProxyHarness): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(join(proxy.codexHome, "auth.json")));
}

function chat(proxy: ProxyHarness, text: string): Promise<Response> {
  return fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: text }] }),
  });
}

function bearerOf(proxy: ProxyHarness, index: number): string {
  return proxy.fake.calls[index].headers["authorization"].replace(/^Bearer /, "");
}

function tokenSetOnDisk(file: Record<string, unknown>): TokenSet {
  return file.tokens as TokenSet;
}

Deno.test("refresh: 50 concurrent requests with an expired token → exactly 1 refresh, all 50 succeed", async () => {
  await using proxy = await startProxy({ tokens: { expiresIn: -60 } });
  rememberSecrets(proxy.tokens);
  const before = await readAuth(proxy);
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      client.chat.completions.create({
        model: "gpt-5.4",
        messages: [{ role: "user", content: `request ${i}` }],
      })),
  );
  answers.forEach((a, i) => assertEquals(a.choices[0].message.content, `Echo: request ${i}`));

  assertEquals(proxy.fake.tokenCalls.length, 1);
  const [issued] = proxy.fake.issued;
  rememberSecrets(issued);
  assertEquals(proxy.fake.tokenCalls[0].body, {
    client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    grant_type: "refresh_token",
    refresh_token: proxy.tokens.refresh_token,
    scope: "openid profile email",
  });
  assertEquals(proxy.fake.calls.length, 50);
  for (const call of proxy.fake.calls) {
    assertEquals(call.headers["authorization"], `Bearer ${issued.access_token}`);
    assertEquals(call.headers["chatgpt-account-id"], proxy.tokens.account_id);
  }
  // Written back: new tokens, account id and unknown fields kept, last_refresh moved, 0600.
  const after = await readAuth(proxy);
  assertEquals(after.tokens, {
    id_token: issued.id_token,
    access_token: issued.access_token,
    refresh_token: issued.refresh_token,
    account_id: proxy.tokens.account_id,
  });
  assertEquals(after.keep_me, { nested: true });
  assertEquals(after.auth_mode, "chatgpt");
  assertEquals(after.OPENAI_API_KEY, null);
  assert(Date.parse(String(after.last_refresh)) >= Date.parse(String(before.last_refresh)));
  assert(Date.now() - Date.parse(String(after.last_refresh)) < 60_000);
  if (Deno.build.os !== "windows") {
    assertEquals((await Deno.stat(join(proxy.codexHome, "auth.json"))).mode! & 0o777, 0o600);
  }
  // The lock files stay; no temp file is left.
  const names = [...Deno.readDirSync(proxy.codexHome)].map((e) => e.name).sort();
  assertEquals(names, ["auth.json", "auth.json.lock", "auth.lock"]);
  assertEquals(
    proxy.logs.filter((l) => l.includes("refreshed the ChatGPT sign-in")).length,
    1,
  );
});

Deno.test("refresh: proactive within refresh_margin_seconds, not outside it", async () => {
  {
    await using proxy = await startProxy({ tokens: { expiresIn: 200 } }); // default margin 300 s
    rememberSecrets(proxy.tokens);
    assertEquals((await chat(proxy, "soon")).status, 200);
    assertEquals(proxy.fake.tokenCalls.length, 1);
    rememberSecrets(...proxy.fake.issued);
    assertEquals(bearerOf(proxy, 0), proxy.fake.issued[0].access_token);
  }
  {
    await using proxy = await startProxy({
      tokens: { expiresIn: 200 },
      configYaml:
        "backends:\n  openai_codex:\n    type: openai-codex\n    refresh_margin_seconds: 60\n",
    });
    rememberSecrets(proxy.tokens);
    assertEquals((await chat(proxy, "later")).status, 200);
    assertEquals(proxy.fake.tokenCalls.length, 0);
    assertEquals(bearerOf(proxy, 0), proxy.tokens.access_token);
  }
});

Deno.test("refresh: a token rotated on disk (other account) is used on the next request, no refresh", async () => {
  await using proxy = await startProxy();
  rememberSecrets(proxy.tokens);
  assertEquals((await chat(proxy, "first")).status, 200);
  const rotated = makeTokenSet({ accountId: "acct-9999-other" });
  rememberSecrets(rotated);
  proxy.fake.accept(rotated);
  await Deno.writeTextFile(join(proxy.codexHome, "auth.json"), authJson(rotated), { mode: 0o600 });
  assertEquals((await chat(proxy, "second")).status, 200);
  assertEquals(proxy.fake.tokenCalls.length, 0);
  const last = proxy.fake.calls[proxy.fake.calls.length - 1];
  assertEquals(last.headers["authorization"], `Bearer ${rotated.access_token}`);
  assertEquals(last.headers["chatgpt-account-id"], "acct-9999-other");
});

Deno.test("refresh: upstream 401 once → one refresh and one retry with the new token", async () => {
  await using proxy = await startProxy();
  rememberSecrets(proxy.tokens);
  proxy.fake.enqueue(
    replies.status(401, { error: { message: "token revoked", code: "token_revoked" } }),
  );
  const res = await chat(proxy, "retry me");
  assertEquals(res.status, 200);
  assertEquals((await res.json()).choices[0].message.content, "Echo: retry me");
  assertEquals(proxy.fake.tokenCalls.length, 1);
  rememberSecrets(...proxy.fake.issued);
  assertEquals(proxy.fake.calls.length, 2);
  assertEquals(bearerOf(proxy, 0), proxy.tokens.access_token);
  assertEquals(bearerOf(proxy, 1), proxy.fake.issued[0].access_token);
  assertEquals(proxy.fake.calls[1].body, proxy.fake.calls[0].body);
  assertEquals(
    tokenSetOnDisk(await readAuth(proxy)).access_token,
    proxy.fake.issued[0].access_token,
  );
});

Deno.test("refresh: upstream 401 twice → client 401 saying `codex login`, one refresh only", async () => {
  await using proxy = await startProxy();
  rememberSecrets(proxy.tokens);
  const refusal = replies.status(401, {
    error: { message: "token revoked", code: "token_revoked" },
  });
  proxy.fake.enqueue(refusal, refusal);
  const res = await chat(proxy, "no luck");
  assertEquals(res.status, 401);
  const body = await res.json();
  assertEquals(body.error.code, "invalid_api_key");
  assertStringIncludes(body.error.message, "codex login");
  assertEquals(proxy.fake.tokenCalls.length, 1);
  rememberSecrets(...proxy.fake.issued);
  assertEquals(proxy.fake.calls.length, 2);
});

Deno.test("refresh: upstream 401 after another program rotated auth.json → re-read, no refresh", async () => {
  await using proxy = await startProxy();
  rememberSecrets(proxy.tokens);
  const rotated = makeTokenSet();
  rememberSecrets(rotated);
  proxy.fake.accept(rotated);
  proxy.fake.respond((_request, index) => {
    if (index !== 0) return undefined;
    // The other program refreshed while this request was in flight.
    Deno.writeTextFileSync(join(proxy.codexHome, "auth.json"), authJson(rotated), { mode: 0o600 });
    return replies.status(401, { error: { message: "expired", code: "token_expired" } });
  });
  const res = await chat(proxy, "after rotation");
  assertEquals(res.status, 200);
  assertEquals(proxy.fake.tokenCalls.length, 0);
  assertEquals(proxy.fake.calls.length, 2);
  assertEquals(bearerOf(proxy, 1), rotated.access_token);
});

Deno.test("refresh: a revoked refresh token → 401 `codex login`, no retry loop, logged once without secrets", async () => {
  await using proxy = await startProxy({ tokens: { expiresIn: -60 } });
  rememberSecrets(proxy.tokens);
  // Simulate a sign-in the token endpoint no longer knows (refresh_token_invalidated).
  const stranger = makeTokenSet({ expiresIn: -60 });
  rememberSecrets(stranger);
  await Deno.writeTextFile(join(proxy.codexHome, "auth.json"), authJson(stranger), { mode: 0o600 });
  for (let i = 0; i < 3; i++) {
    const res = await chat(proxy, `attempt ${i}`);
    assertEquals(res.status, 401);
    const body = await res.json();
    assertStringIncludes(body.error.message, "codex login");
    assertStringIncludes(body.error.message, "refresh_token_invalidated");
  }
  assertEquals(proxy.fake.tokenCalls.length, 1);
  assertEquals(proxy.fake.calls.length, 0);
  const warnings = proxy.logs.filter((l) => l.includes("can no longer be refreshed"));
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0], '"code":"refresh_token_invalidated"');
  // After `codex login` writes a new sign-in, requests work again without a restart.
  const fresh = makeTokenSet();
  rememberSecrets(fresh);
  proxy.fake.accept(fresh);
  await Deno.writeTextFile(join(proxy.codexHome, "auth.json"), authJson(fresh), { mode: 0o600 });
  assertEquals((await chat(proxy, "after login")).status, 200);
});

Deno.test("refresh: losing the race to a program that writes after us (like the Codex CLI) → its tokens are used", async () => {
  await using proxy = await startProxy({ tokens: { expiresIn: -60 }, fake: { tokenDelayMs: 150 } });
  rememberSecrets(proxy.tokens);
  const authPath = join(proxy.codexHome, "auth.json");
  // The other program spends the refresh token first, without a lock (as the CLI does) ...
  const spent = await fetch(proxy.fake.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: proxy.tokens.refresh_token,
    }),
  });
  assertEquals(spent.status, 200);
  await spent.body?.cancel();
  const winner = proxy.fake.issued[0];
  rememberSecrets(winner);
  // ... then takes auth.lock to write, which codexgate holds while it refreshes in vain.
  const requests = Promise.all([1, 2, 3].map((i) => chat(proxy, `race ${i}`)));
  // codexgate is at the token endpoint now, holding auth.lock.
  for (let waited = 0; proxy.fake.tokenCalls.length < 2; waited += 5) {
    assert(waited < 5000, "codexgate never called the token endpoint");
    await new Promise((r) => setTimeout(r, 5));
  }
  await withFileLock(join(proxy.codexHome, "auth.lock"), async () => {
    await Deno.writeTextFile(authPath, authJson(winner), { mode: 0o600 });
  }, { timeoutMs: 5000 });
  for (const res of await requests) assertEquals(res.status, 200);
  assertEquals(proxy.fake.tokenCalls.length, 2); // the other program's and codexgate's refused one
  assertEquals(proxy.fake.issued.length, 1);
  for (const call of proxy.fake.calls) {
    assertEquals(call.headers["authorization"], `Bearer ${winner.access_token}`);
  }
  assertEquals(tokenSetOnDisk(JSON.parse(await Deno.readTextFile(authPath))), winner);
  assert(proxy.logs.some((l) => l.includes("another program refreshed first")));
});

Deno.test("refresh: no log line of this file holds a token", () => {
  assert(ALL_LOG_LINES.length > 0);
  assertEquals(linesWithSecrets(ALL_LOG_LINES), []);
});
