/**
 * The live stream's bounds: at most N watchers, a keep-alive comment while
 * idle, and every stream ends when its client leaves or the server stops.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { ProxyError } from "../../src/errors.ts";
import { RequestEvents } from "../../src/http/request_events.ts";
import { LiveRequests } from "../../src/ui/live_requests.ts";

const request = () => new Request("http://codexgate.test/status/events");

async function readUntil(reader: ReadableStreamDefaultReader<string>, needle: string) {
  let text = "";
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${JSON.stringify(needle)}: ${text}`);
    text += value;
  }
  return text;
}

function textReader(res: Response) {
  return res.body!.pipeThrough(new TextDecoderStream()).getReader();
}

Deno.test("live requests: a bounded number of watchers; one that leaves frees its place", async () => {
  const events = new RequestEvents();
  const live = new LiveRequests(events, { maxWatchers: 2 });
  // The bodies themselves, cancelled directly (a piped reader cancels its source a tick later).
  const a = live.open(request()).body!;
  const b = live.open(request()).body!;
  assertEquals(live.watchers, 2);
  let refused: unknown;
  try {
    live.open(request());
  } catch (err) {
    refused = err;
  }
  assert(refused instanceof ProxyError && refused.status === 503, "the third is refused");
  await a.cancel();
  assertEquals(live.watchers, 1, "a client that leaves is unsubscribed");
  const c = live.open(request()).body!;
  await b.cancel();
  await c.cancel();
  assertEquals(live.watchers, 0);
});

Deno.test("live requests: keep-alive comments while idle, events as they are published", async () => {
  const events = new RequestEvents();
  const live = new LiveRequests(events, { keepAliveMs: 20 });
  const reader = textReader(live.open(request()));
  assert((await readUntil(reader, ": keep-alive")).startsWith("retry: 3000\n"));
  events.publish({
    id: "r1",
    time: 1,
    method: "POST",
    path: "/v1/responses",
    status: 502,
    errorCode: "upstream_error",
    durationMs: 5,
  });
  const text = await readUntil(reader, "event: request");
  const data = JSON.parse(
    (text + await readUntil(reader, "\n\n")).split("data: ")[1].split("\n")[0],
  );
  assertEquals([data.id, data.status, data.errorCode], ["r1", 502, "upstream_error"]);
  await reader.cancel();
});

Deno.test("live requests: shutting down ends every stream and refuses new ones", async () => {
  const events = new RequestEvents();
  const shutdown = new AbortController();
  const live = new LiveRequests(events, { shutdown: shutdown.signal });
  const readers = [textReader(live.open(request())), textReader(live.open(request()))];
  shutdown.abort();
  for (const reader of readers) {
    let ended = false;
    while (!ended) ended = (await reader.read()).done;
  }
  assertEquals(live.watchers, 0);
  let refused: unknown;
  try {
    live.open(request());
  } catch (err) {
    refused = err;
  }
  assert(refused instanceof ProxyError && refused.status === 503, "none after shutdown");
});

Deno.test("live requests: a client that disconnects (request aborted) is unsubscribed", async () => {
  const events = new RequestEvents();
  const live = new LiveRequests(events);
  const client = new AbortController();
  const res = live.open(
    new Request("http://codexgate.test/status/events", { signal: client.signal }),
  );
  assertEquals(live.watchers, 1);
  client.abort();
  assertEquals(live.watchers, 0);
  await res.body?.cancel();
});
