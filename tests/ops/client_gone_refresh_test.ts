/**
 * A client that leaves while its credentials are being refreshed, and the
 * refresh then fails: the process must live on (a rejection nobody awaits
 * ends a Deno process), and the request is logged as 499, not as an error.
 */
import { assertEquals } from "../support/assert.ts";
import { type ProxyHarness, startProxy } from "../support/harness.ts";
import { jsonPost, rawConnect } from "../support/raw_connection.ts";
import { waitFor } from "./ops_helpers.ts";

const CHAT = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };

/** The proxy's request log lines for chat completions, parsed. */
function chatRequestLines(proxy: ProxyHarness): Record<string, unknown>[] {
  return proxy.logs.map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === "request" && l.path === "/v1/chat/completions");
}

/** Checks the request ended as 499 at info level, nothing at error level, and the proxy serves. */
async function assertLeftQuietly(proxy: ProxyHarness): Promise<void> {
  await waitFor(() => chatRequestLines(proxy).length === 1, 20_000);
  const [line] = chatRequestLines(proxy);
  assertEquals(line.status, 499);
  assertEquals(line.level, "info");
  assertEquals(proxy.logs.filter((l) => JSON.parse(l).level === "error"), []);
  const health = await fetch(`${proxy.url}/health`);
  assertEquals(health.status, 200);
  await health.body?.cancel();
}

Deno.test("client gone: leaves during a refresh the token endpoint fails (500) → process lives on", async () => {
  await using proxy = await startProxy({
    tokens: { expiresIn: -60 },
    fake: { tokenDelayMs: 300, tokenErrorStatus: 500 },
  });
  await using client = await rawConnect(proxy.url);
  await client.write(jsonPost(proxy.url, "/v1/chat/completions", CHAT));
  // The refresh is at the token endpoint (answering after 300 ms): leave now.
  await waitFor(() => proxy.fake.tokenCalls.length === 1);
  client.close();
  await assertLeftQuietly(proxy);
  // The proxy did not start a refresh for a client that had gone.
  assertEquals(proxy.fake.tokenCalls.length, 1);
});

Deno.test("client gone: leaves while an already spent refresh token is refused → process lives on", async () => {
  await using proxy = await startProxy({ tokens: { expiresIn: -60 }, fake: { tokenDelayMs: 300 } });
  // Another program used the refresh token first and never wrote its tokens.
  const spent = await fetch(proxy.fake.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "refresh_token",
      refresh_token: proxy.tokens.refresh_token,
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    }),
  });
  assertEquals(spent.status, 200);
  await spent.body?.cancel();
  await using client = await rawConnect(proxy.url);
  await client.write(jsonPost(proxy.url, "/v1/chat/completions", CHAT));
  await waitFor(() => proxy.fake.tokenCalls.length === 2);
  client.close();
  await assertLeftQuietly(proxy);
  // The refresh goes on without the client; its refusal is a warning, never a crash.
  await waitFor(() => proxy.logs.some((l) => l.includes("can no longer be refreshed")), 20_000);
  assertEquals(proxy.logs.filter((l) => JSON.parse(l).level === "error"), []);
});

Deno.test("client gone: leaves while a 401's body stalls, and the refresh fails → process lives on", async () => {
  await using proxy = await startProxy({ fake: { tokenErrorStatus: 500 } });
  proxy.fake.enqueue({
    kind: "status",
    status: 401,
    body: JSON.stringify({ error: { message: "token expired", code: "token_expired" } }),
    stallBody: true,
  });
  await using client = await rawConnect(proxy.url);
  await client.write(jsonPost(proxy.url, "/v1/chat/completions", CHAT));
  // The proxy holds the 401 and waits for the rest of its body: leave now.
  await waitFor(() => proxy.fake.calls.length === 1);
  await proxy.fake.calls[0].stalled;
  // Nothing in the proxy shows that the 401's headers reached it; give them a moment. A
  // late arrival can only make this test pass without the fix, never fail with it.
  await new Promise((r) => setTimeout(r, 300));
  client.close();
  await assertLeftQuietly(proxy);
});
