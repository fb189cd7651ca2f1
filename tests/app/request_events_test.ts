/**
 * Every finished request is published once, when its log line is written:
 * streamed or not, failed or not, with what the usage history and the status
 * page need and nothing secret.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";
import { RequestEvents } from "../../src/http/request_events.ts";

const messages = [{ role: "user", content: "hello" }];

Deno.test("request events: a non-streamed answer is published once, with dialect, model and tokens", async () => {
  const app = inProcessApp();
  const res = await app.post("/v1/chat/completions", { model: "gpt-5.4", messages });
  assertEquals(res.status, 200);
  await res.body?.cancel();
  assertEquals(app.finished.length, 1);
  const [done] = app.finished;
  assertEquals([done.dialect, done.model, done.backend, done.status], [
    "chat",
    "gpt-5.4",
    "openai_codex",
    200,
  ]);
  assertEquals(done.id, res.headers.get("x-request-id"));
  assert(done.tokens && done.tokens.input > 0 && done.tokens.output > 0, "tokens counted");
  assert(!JSON.stringify(done).includes("in-process-token"), "no token in the event");
});

Deno.test("request events: a stream is published when it ends, not when it starts", async () => {
  const app = inProcessApp();
  const res = await app.post("/v1/responses", { model: "gpt-5.4", input: "hi", stream: true });
  assertEquals(app.finished.length, 0, "nothing before the stream is read");
  await res.text();
  assertEquals(app.finished.length, 1);
  assertEquals([app.finished[0].dialect, app.finished[0].status], ["responses", 200]);
});

Deno.test("request events: a refused request carries its status and error code", async () => {
  const app = inProcessApp();
  const res = await app.post("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: "x" });
  await res.body?.cancel();
  assertEquals(app.finished.length, 1);
  assertEquals(app.finished[0].status, 400);
  assert(app.finished[0].errorCode, "the error code travels with the event");
});

Deno.test("request events: a listener that throws stops neither the others nor the publisher", () => {
  const events = new RequestEvents();
  const seen: string[] = [];
  events.subscribe(() => {
    throw new Error("broken listener");
  });
  const stop = events.subscribe((r) => seen.push(r.id));
  const request = { id: "r1", time: 0, method: "GET", path: "/", status: 200, durationMs: 1 };
  events.publish(request);
  stop();
  events.publish({ ...request, id: "r2" });
  assertEquals(seen, ["r1"]);
});
