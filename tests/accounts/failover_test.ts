/**
 * A backend with several accounts on a real socket, in front of the fake
 * serving several account ids with per-account limits: a usage limit, an
 * overload or a 5xx on one account moves the request to another before
 * anything reached the client; when every account is limited the client
 * gets one 429 with the earliest reset.
 */
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { accountsOfCalls, chatBody, startPool } from "./pool_harness.ts";

const A = "acct-aaaa-0001";
const B = "acct-bbbb-0002";

async function chat(url: string, body: Record<string, unknown>): Promise<Response> {
  return await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

Deno.test("usage limit on one account: the same request is answered by another, the client never sees the 429", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  proxy.fake.limitAccount(A, replies.usageLimit(3600));
  for (let i = 0; i < 6; i++) {
    const res = await chat(proxy.url, chatBody(`conversation-${i}`));
    assertEquals(res.status, 200, await res.clone().text());
    await res.body?.cancel();
  }
  const used = accountsOfCalls(proxy);
  // The limited account was asked at most once: then it cools until its reset.
  assert(used.filter((a) => a === A).length <= 1, `calls: ${used.join(",")}`);
  assertEquals(used.filter((a) => a === B).length, 6);
  assert(proxy.logs.some((l) => l.includes("cooling until its reset")));
  // The request log names the account that answered.
  const requestLines = proxy.logs.map((l) => JSON.parse(l)).filter((e) =>
    e.path === "/v1/chat/completions"
  );
  assertEquals(requestLines.length, 6);
  assert(requestLines.every((e) => e.account === "b"), JSON.stringify(requestLines[0]));
});

Deno.test("every account limited: 429 with the earliest reset in Retry-After and a message, then no more upstream calls", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  proxy.fake.limitAccount(A, replies.usageLimit(3600));
  proxy.fake.limitAccount(B, replies.usageLimit(600));
  const res = await chat(proxy.url, chatBody("first"));
  assertEquals(res.status, 429);
  const retryAfter = Number(res.headers.get("retry-after"));
  assert(retryAfter > 500 && retryAfter <= 600, `retry-after ${retryAfter}`);
  const body = await res.json();
  assertEquals(body.error.code, "usage_limit_reached");
  assertMatch(body.error.message, /Every account of backend openai_codex/);
  assertEquals(proxy.fake.calls.length, 2);
  const again = await chat(proxy.url, chatBody("second"));
  assertEquals(again.status, 429);
  await again.body?.cancel();
  assertEquals(proxy.fake.calls.length, 2, "cooling accounts are not asked again");
});

Deno.test("overload and 5xx on one account move the request to another account", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  for (const failure of [replies.status(503), replies.status(500), replies.status(429)]) {
    proxy.fake.limitAccount(A, failure);
    proxy.fake.limitAccount(B, undefined);
    const before = proxy.fake.calls.length;
    // Two fresh conversations: one of them starts on A and has to move.
    for (const n of [1, 2]) {
      const res = await chat(proxy.url, chatBody(`overload-${before}-${n}`));
      assertEquals(res.status, 200, await res.clone().text());
      await res.body?.cancel();
    }
    const used = accountsOfCalls(proxy).slice(before);
    assert(used.includes(A), `A was tried: ${used.join(",")}`);
    assertEquals(used.filter((a) => a === B).length, 2);
  }
});

Deno.test("a conversation stays on its account; new conversations take turns", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  const conversations = ["c1", "c2", "c3", "c4"];
  const accountOf = new Map<string, Set<string>>();
  for (let turn = 0; turn < 3; turn++) {
    for (const c of conversations) {
      const res = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "session-id": `session-${c}` },
        body: JSON.stringify(chatBody(c, `turn ${turn}`)),
      });
      assertEquals(res.status, 200);
      await res.body?.cancel();
      const call = proxy.fake.calls.at(-1)!;
      if (!accountOf.has(c)) accountOf.set(c, new Set());
      accountOf.get(c)!.add(call.headers["chatgpt-account-id"]);
    }
  }
  for (const [c, accounts] of accountOf) assertEquals(accounts.size, 1, `${c} moved`);
  const firstAccounts = new Set([...accountOf.values()].map((s) => [...s][0]));
  assertEquals(firstAccounts.size, 2, "both accounts got conversations");
});

Deno.test("a conversation that must move drops the reasoning the old account made", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  const input = [
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    { type: "reasoning", summary: [], encrypted_content: "enc-made-by-a" },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "hello" }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "more" }] },
  ];
  const send = () =>
    fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-5.4",
        input,
        prompt_cache_key: "conv-move",
        stream: false,
      }),
    });
  const first = await send();
  assertEquals(first.status, 200);
  await first.body?.cancel();
  const home = proxy.fake.calls[0].headers["chatgpt-account-id"];
  const other = home === A ? B : A;
  const sent = (i: number) => (proxy.fake.calls[i].body!.input as { type: string }[]);
  assert(sent(0).some((item) => item.type === "reasoning"), "on its own account it is replayed");
  proxy.fake.limitAccount(home, replies.usageLimit(3600));
  const second = await send();
  assertEquals(second.status, 200, await second.clone().text());
  await second.body?.cancel();
  const last = proxy.fake.calls.at(-1)!;
  assertEquals(last.headers["chatgpt-account-id"], other);
  assert(!sent(proxy.fake.calls.length - 1).some((item) => item.type === "reasoning"));
  // It now lives on the new account: the next turn goes there directly.
  const third = await send();
  await third.body?.cancel();
  assertEquals(proxy.fake.calls.at(-1)!.headers["chatgpt-account-id"], other);
});

Deno.test("the account with the most headroom gets new conversations", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  const withUsage = (percent: string) => ({
    kind: "events" as const,
    events: new ScriptBuilder().text("ok").completed(),
    headers: { "x-codex-primary-used-percent": percent, "x-codex-secondary-used-percent": "1" },
  });
  proxy.fake.limitAccount(A, withUsage("85"));
  proxy.fake.limitAccount(B, withUsage("20"));
  // The first two new conversations learn both accounts' figures.
  for (const c of ["h1", "h2"]) {
    const res = await chat(proxy.url, chatBody(c));
    await res.body?.cancel();
  }
  const before = proxy.fake.calls.length;
  for (const c of ["h3", "h4", "h5", "h6"]) {
    const res = await chat(proxy.url, chatBody(c));
    assertEquals(res.status, 200);
    await res.body?.cancel();
  }
  assertEquals(accountsOfCalls(proxy).slice(before), [B, B, B, B]);
});

Deno.test("a failure inside a 200 before any output (server_is_overloaded) moves the request to another account", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  proxy.fake.limitAccount(A, {
    kind: "events",
    events: new ScriptBuilder().failed("server_is_overloaded", "Our servers are busy"),
  });
  for (const stream of [false, true]) {
    for (const n of [1, 2]) {
      const res = await chat(proxy.url, { ...chatBody(`busy-${stream}-${n}`), stream });
      assertEquals(res.status, 200, await res.clone().text());
      const text = await res.text();
      assert(!text.includes("Our servers are busy"), text);
    }
  }
  const used = accountsOfCalls(proxy);
  assert(used.includes(A), `A was tried: ${used.join(",")}`);
  assertEquals(used.filter((a) => a === B).length, 4);
});
