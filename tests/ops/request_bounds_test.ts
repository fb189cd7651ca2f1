/**
 * Reading a request is bounded (docs/security.md): a body that stalls or
 * trickles gets 408 and its connection is closed; a client over the cap on
 * requests in flight gets 503. Real sockets, since the point is what happens
 * to connections.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { rawConnect, statusOf } from "../support/raw_connection.ts";
import { errorOf, postChat, settlesWithin, waitFor } from "./ops_helpers.ts";

const TIGHT = "server:\n  body_idle_timeout_seconds: 0.5\n  body_timeout_seconds: 2\n";

/** A chunked POST head; the body follows in chunks written by the test. */
function chunkedHead(url: string, path: string, headers: Record<string, string> = {}): string {
  const lines = {
    host: new URL(url).host,
    "content-type": "application/json",
    "transfer-encoding": "chunked",
    ...headers,
  };
  return `POST ${path} HTTP/1.1\r\n${
    Object.entries(lines).map(([k, v]) => `${k}: ${v}\r\n`).join("")
  }\r\n`;
}

function chunk(text: string): string {
  return `${new TextEncoder().encode(text).byteLength.toString(16)}\r\n${text}\r\n`;
}

/** The JSON error object in a raw answer (its body is one chunk). */
function rawError(answer: string): { code: string; message: string } {
  const json = answer.slice(answer.indexOf("{"), answer.lastIndexOf("}") + 1);
  return JSON.parse(json).error;
}

Deno.test("bounds: a chunked body that stops → 408 request_timeout; its next byte closes the connection", async () => {
  await using proxy = await startProxy({ configYaml: TIGHT });
  await using client = await rawConnect(proxy.url);
  await client.write(chunkedHead(proxy.url, "/v1/chat/completions") + chunk('{"model":'));
  // Generous bound: the idle timeout is 0.5 s; a loaded machine may be slow.
  await waitFor(() => client.received().includes("request_timeout"), 15_000);
  const answer = client.received();
  assertEquals(statusOf(answer), 408);
  const error = rawError(answer);
  assertEquals(error.code, "request_timeout");
  assertStringIncludes(error.message, "server.body_idle_timeout_seconds");
  assertEquals(proxy.fake.calls.length, 0);
  // Deno.serve holds a connection while a read of its body waits (docs/security.md): the
  // client's next byte ends that wait, and the connection is closed.
  await client.write(chunk(" "));
  assert(await settlesWithin(client.closedByServer, 15_000), "the server closed the connection");
});

Deno.test("bounds: a body trickling faster than the idle timeout → 408 at the total deadline", async () => {
  await using proxy = await startProxy({ configYaml: TIGHT });
  await using client = await rawConnect(proxy.url);
  await client.write(chunkedHead(proxy.url, "/v1/chat/completions"));
  let trickling = true;
  const trickle = (async () => {
    while (trickling) {
      await client.write(chunk(" ")).catch(() => (trickling = false));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  assert(await settlesWithin(client.closedByServer, 15_000), "the server closed the connection");
  trickling = false;
  await trickle;
  const answer = await client.readAll();
  assertEquals(statusOf(answer), 408);
  assertStringIncludes(rawError(answer).message, "server.body_timeout_seconds");
});

Deno.test("bounds: an early answer (401) to a trickling body closes the connection at the deadline", async () => {
  await using proxy = await startProxy({ configYaml: `${TIGHT}  api_key: k-123\n` });
  await using client = await rawConnect(proxy.url);
  await client.write(chunkedHead(proxy.url, "/v1/chat/completions") + chunk("{"));
  await waitFor(() => client.received().includes("missing_api_key"), 15_000);
  assertEquals(statusOf(client.received()), 401);
  let trickling = true;
  const trickle = (async () => {
    while (trickling) {
      await client.write(chunk(" ")).catch(() => (trickling = false));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  assert(await settlesWithin(client.closedByServer, 15_000), "the server closed the connection");
  trickling = false;
  await trickle;
});

Deno.test("bounds: an early answer (401) to a whole body keeps the connection usable", async () => {
  await using proxy = await startProxy({ configYaml: "server:\n  api_key: k-123\n" });
  await using client = await rawConnect(proxy.url);
  const head = chunkedHead(proxy.url, "/v1/chat/completions");
  const body = chunk(JSON.stringify({ model: "gpt-5.4", messages: [] })) + "0\r\n\r\n";
  await client.write(head + body);
  await waitFor(() => client.received().endsWith("0\r\n\r\n"), 15_000);
  assertEquals(statusOf(client.received()), 401);
  // The same connection answers the next request.
  await client.write(head + body);
  await waitFor(() => client.received().split("HTTP/1.1 401").length === 3, 15_000);
});

Deno.test("bounds: over max_requests_in_flight → 503 overloaded; served again once they end", async () => {
  await using proxy = await startProxy({ configYaml: "server:\n  max_requests_in_flight: 2\n" });
  const started = {
    kind: "events" as const,
    events: new ScriptBuilder().text("hi").completed(),
    // Up to the first output item: the answer has started (its 200 is out), then it hangs.
    hangAfter: 3,
  };
  proxy.fake.enqueue(started, started);
  const controllers = [new AbortController(), new AbortController()];
  const streams = await Promise.all(
    controllers.map((c, i) =>
      fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "gpt-5.4",
          stream: true,
          messages: [{ role: "user", content: `stream ${i}` }],
        }),
        signal: c.signal,
      })
    ),
  );
  streams.forEach((s) => assertEquals(s.status, 200));
  const refused = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(refused.status, 503);
  assertEquals(errorOf(refused.json).code, "overloaded");
  assertStringIncludes(errorOf(refused.json).message, "server.max_requests_in_flight");
  assertEquals(refused.headers.get("retry-after"), "1");
  // A refused request whose body is still coming is not waited for: 503, then the close.
  {
    await using slow = await rawConnect(proxy.url);
    await slow.write(chunkedHead(proxy.url, "/v1/chat/completions") + chunk("{"));
    assert(await settlesWithin(slow.closedByServer, 15_000), "the server closed the connection");
    assertEquals(statusOf(slow.received()), 503);
  }
  const models = await fetch(`${proxy.url}/v1/models`);
  assertEquals(models.status, 503);
  await models.body?.cancel();
  // The two streams end (the client leaves): their slots are free again.
  for (const [i, s] of streams.entries()) {
    controllers[i].abort();
    await s.body?.cancel().catch(() => {});
  }
  let next = await postChat(proxy.url, { model: "gpt-5.4" });
  for (let i = 0; next.status === 503 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    next = await postChat(proxy.url, { model: "gpt-5.4" });
  }
  assertEquals(next.status, 200);
});

Deno.test("bounds: headers over 64 KB → 400 from Deno.serve itself, connection closed, serving goes on", async () => {
  await using proxy = await startProxy();
  await using client = await rawConnect(proxy.url);
  await client.write(
    `GET /v1/models HTTP/1.1\r\nhost: ${new URL(proxy.url).host}\r\nx-big: ${
      "a".repeat(70_000)
    }\r\n\r\n`,
  ).catch(() => {}); // the server may close before taking all of it
  assert(await settlesWithin(client.closedByServer, 15_000), "the server closed the connection");
  // Refused before any handler runs: Deno.serve has no hook for a body here (docs/security.md).
  assertEquals(statusOf(client.received()), 400);
  const next = await fetch(`${proxy.url}/health`);
  assertEquals(next.status, 200);
  await next.body?.cancel();
});
