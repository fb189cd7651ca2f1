/**
 * The app's router in-process: which frontend a path belongs to decides the
 * error shape, routes answer only their methods, and each frontend's extra
 * routes are served without the app naming them.
 */
import { assertEquals } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";

const request = (path: string, init: RequestInit = {}) =>
  new Request(`http://codexgate.test${path}`, init);

Deno.test("routing: an unknown path below /v1/messages answers in Anthropic's shape, others in OpenAI's", async () => {
  const { handler } = inProcessApp();
  const anthropic = await handler(request("/v1/messages/nope"));
  assertEquals(anthropic.status, 404);
  assertEquals((await anthropic.json()).error.type, "not_found_error");
  const openai = await handler(request("/v1/responses/a/b/c"));
  assertEquals(openai.status, 404);
  assertEquals((await openai.json()).error.code, "not_found");
  const other = await handler(request("/v2/anything"));
  assertEquals((await other.json()).error.code, "not_found");
});

Deno.test("routing: one 405 with Allow for completions, stored responses and count_tokens", async () => {
  const { handler } = inProcessApp();
  const cases: [string, string, string][] = [
    ["/v1/chat/completions", "GET", "POST"],
    ["/v1/responses/resp_1", "PUT", "GET, DELETE"],
    ["/v1/responses/resp_1/input_items", "POST", "GET"],
    ["/v1/messages/count_tokens", "GET", "POST"],
    ["/health", "POST", "GET"],
  ];
  for (const [path, method, allow] of cases) {
    const res = await handler(request(path, { method }));
    assertEquals([res.status, res.headers.get("allow")], [405, allow], `${method} ${path}`);
    await res.body?.cancel();
  }
});

Deno.test("routing: Anthropic's count_tokens is the frontend's own route", async () => {
  const app = inProcessApp();
  const res = await app.post("/v1/messages/count_tokens", {
    model: "claude-sonnet-4-5",
    messages: [{ role: "user", content: "12345678" }],
  });
  assertEquals(res.status, 200);
  assertEquals(await res.json(), { input_tokens: 5 });
  assertEquals(app.calls.length, 0);
});

Deno.test("routing: /status reads the account through the credential service", async () => {
  const { handler } = inProcessApp();
  const status = await (await handler(request("/status"))).json();
  assertEquals(status.backends.openai_codex.account.id, "acct-in-…cess");
  assertEquals(status.backends.openai_codex.account.plan, "plus");
});
