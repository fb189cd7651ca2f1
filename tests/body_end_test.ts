/**
 * src/http/body_end.ts: the request log and the request bounds watch a
 * streamed answer's end through one wrapper. Watchers hear the end once,
 * innermost first; an inner watcher can fail the end after the last byte
 * and the outer ones hear that; a client that stops reading cancels the
 * source; a failing source is a failure for every watcher.
 */
import { type BodyEnd, watchBodyEnd } from "../src/http/body_end.ts";
import { assert, assertEquals } from "./support/assert.ts";

const encoder = new TextEncoder();

function source(chunks: string[], options: { failAfter?: boolean } = {}) {
  let cancelled: unknown = "not cancelled";
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      if (options.failAfter) controller.error(new Error("upstream broke"));
      else if (chunks.length > 0) controller.close();
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  return { stream, cancelled: () => cancelled };
}

function listener(name: string, log: string[]) {
  return (end: BodyEnd) => {
    const detail = end.kind === "failed" ? `:${(end.error as Error).message}` : "";
    log.push(`${name} ${end.kind}${detail}`);
  };
}

Deno.test("body end: the second watcher joins the first wrapper; both hear the end once, inner first", async () => {
  const log: string[] = [];
  const inner = watchBodyEnd(
    new Response(source(["a", "b"]).stream, { status: 201, headers: { "x-one": "1" } }),
    { ended: listener("inner", log) },
  );
  const outer = watchBodyEnd(inner, { ended: listener("outer", log) });
  assert(outer === inner, "no second wrapper");
  assertEquals(outer.status, 201);
  assertEquals(outer.headers.get("x-one"), "1");
  assertEquals(await outer.text(), "ab");
  assertEquals(log, ["inner done", "outer done"]);
});

Deno.test("body end: an inner settle can fail the end after the last byte; the outer hears it", async () => {
  const log: string[] = [];
  const inner = watchBodyEnd(new Response(source(["all of it"]).stream), {
    settle: () => Promise.resolve(new Error("connection must close")),
    ended: listener("inner", log),
  });
  const outer = watchBodyEnd(inner, { ended: listener("outer", log) });
  const reader = outer.body!.getReader();
  const first = await reader.read();
  assertEquals(new TextDecoder().decode(first.value), "all of it");
  const failed = await reader.read().then(() => "ended normally", (err) => err.message);
  assertEquals(failed, "connection must close");
  assertEquals(log, [
    "inner failed:connection must close",
    "outer failed:connection must close",
  ]);
});

Deno.test("body end: a client that stops reading cancels the source; every watcher hears it once", async () => {
  const log: string[] = [];
  const src = source([]);
  const inner = watchBodyEnd(new Response(src.stream), { ended: listener("inner", log) });
  const outer = watchBodyEnd(inner, { ended: listener("outer", log) });
  await outer.body!.cancel("client left");
  assertEquals(log, ["inner cancelled", "outer cancelled"]);
  assertEquals(src.cancelled(), "client left");
});

Deno.test("body end: a failing source fails the answer and is a failure for every watcher", async () => {
  const log: string[] = [];
  const inner = watchBodyEnd(new Response(source(["x"], { failAfter: true }).stream), {
    settle: () => Promise.resolve(undefined),
    ended: listener("inner", log),
  });
  const outer = watchBodyEnd(inner, { ended: listener("outer", log) });
  const failed = await outer.text().then(() => "ended normally", (err) => err.message);
  assertEquals(failed, "upstream broke");
  assertEquals(log, ["inner failed:upstream broke", "outer failed:upstream broke"]);
});
