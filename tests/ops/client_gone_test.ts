/**
 * A client that goes away, on a real socket, at every stage of a request:
 * one info line with status 499 `client_closed_request`, nothing at warn or
 * error, and the upstream connection released.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { type ProxyHarness, startProxy } from "../support/harness.ts";
import { rawPost } from "../support/raw_http.ts";
import { postChat, waitFor } from "./ops_helpers.ts";

type Line = Record<string, unknown>;

const BODIES: Record<string, Record<string, unknown>> = {
  "/v1/chat/completions": { messages: [{ role: "user", content: "x" }] },
  "/v1/responses": { input: "x" },
  "/v1/messages": { max_tokens: 100, messages: [{ role: "user", content: "x" }] },
};

function lines(proxy: ProxyHarness): Line[] {
  return proxy.logs.map((l) => JSON.parse(l));
}

function requestLines(proxy: ProxyHarness): Line[] {
  return lines(proxy).filter((l) => l.msg === "request");
}

/**
 * Waits for the abandoned request's line, then runs one more request to its
 * end, so that anything the abandoned one still had to say is said by then.
 */
async function settledLines(proxy: ProxyHarness, expectedRequests: number): Promise<Line[]> {
  await waitFor(() => requestLines(proxy).length === expectedRequests, 10_000);
  assertEquals((await postChat(proxy.url, { model: "gpt-5.4" })).status, 200);
  await waitFor(() => requestLines(proxy).length === expectedRequests + 1, 10_000);
  return lines(proxy);
}

/** Every line above debug, except the closing request of {@link settledLines}. */
function notable(all: Line[]): Line[] {
  const last = all.filter((l) => l.msg === "request").at(-1);
  return all.filter((l) => l.level !== "debug" && l !== last);
}

function assertClientClosedLine(line: Line): void {
  assertEquals(line.msg, "request");
  assertEquals(line.level, "info");
  assertEquals(line.status, 499);
  assertEquals(line.error_code, "client_closed_request");
  assert(!JSON.stringify(line).includes("    at "), "no stack trace");
}

for (const path of Object.keys(BODIES)) {
  Deno.test(`client gone: cancel mid-stream on ${path} → one request line, 499, no warning`, async () => {
    await using proxy = await startProxy();
    proxy.fake.enqueue({
      kind: "events",
      events: new ScriptBuilder().text("a b c d e f", { chunks: 6 }).completed(),
      // created, in_progress, item added, part added, first delta; then nothing until the client leaves.
      hangAfter: 5,
    });
    const body = JSON.stringify({ model: "gpt-5.4", stream: true, ...BODIES[path] });
    const client = await rawPost(proxy.url, path, body);
    const received = await client.readUntil("data:");
    assert(received.startsWith("HTTP/1.1 200"), received.slice(0, 40));
    client.close();
    await proxy.fake.calls[0].closed;

    const all = await settledLines(proxy, 1);
    const [line, ...rest] = notable(all);
    assertClientClosedLine(line);
    assertEquals(line.path, path);
    assertEquals(line.stream_error, "client_closed_request");
    assertEquals(rest, [], "nothing but the request line above debug");
    assert(!all.some((l) => String(l.msg).includes("upstream stream failed")));
  });
}

Deno.test("client gone: while its body is read → one info line, 499, no 500", async () => {
  await using proxy = await startProxy();
  // The same handler behind a socket that says when a request reached it.
  const entered = Promise.withResolvers<void>();
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    entered.resolve();
    return proxy.handler(request);
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const body = JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "x" }] });
  const client = await rawPost(url, "/v1/chat/completions", body, { sendBytes: 20 });
  await entered.promise;
  client.close();
  const [line, ...rest] = notable(await settledLines(proxy, 1));
  assertClientClosedLine(line);
  assertEquals(rest, []);
  assertEquals(proxy.fake.calls.length, 1, "only the follow-up request went upstream");
});

Deno.test("client gone: while credentials resolve → one info line, 499", async () => {
  await using proxy = await startProxy({
    tokens: { expiresIn: 60 }, // inside the refresh margin: the request refreshes first
    fake: { tokenDelayMs: 1000 },
  });
  const body = JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "x" }] });
  const client = await rawPost(proxy.url, "/v1/chat/completions", body);
  await waitFor(() => proxy.fake.tokenCalls.length === 1);
  client.close();
  await waitFor(() => requestLines(proxy).length === 1, 10_000);
  // The refresh itself goes on (others share it) and completes before the next request.
  await waitFor(() => proxy.fake.issued.length === 1, 10_000);
  const all = await settledLines(proxy, 1);
  assertClientClosedLine(requestLines(proxy)[0]);
  assertEquals(all.filter((l) => l.level === "warn" || l.level === "error"), []);
});

Deno.test("client gone: while forward waits to retry, and before the first event → 499 each", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(
    { kind: "status", status: 503, body: "{}", headers: { "retry-after": "5" } },
    { kind: "hang" },
  );
  const body = JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "x" }] });
  const waiting = await rawPost(proxy.url, "/v1/chat/completions", body);
  await waitFor(() => lines(proxy).some((l) => l.msg === "retrying the Codex backend"));
  waiting.close();
  await waitFor(() => requestLines(proxy).length === 1, 10_000);

  const hanging = await rawPost(
    proxy.url,
    "/v1/responses",
    JSON.stringify({
      model: "gpt-5.4",
      stream: true,
      input: "x",
    }),
  );
  await waitFor(() => proxy.fake.calls.length === 2);
  hanging.close();
  await proxy.fake.calls[1].closed;

  const all = await settledLines(proxy, 2);
  const requests = all.filter((l) => l.msg === "request").slice(0, 2);
  requests.forEach(assertClientClosedLine);
  assertEquals(
    notable(all).filter((l) => l.msg !== "request" && l.msg !== "retrying the Codex backend"),
    [],
  );
});
