/**
 * Failures inside a 200, in-process: an `error` / `response.failed` before
 * the first output event is retried like a 503 before the first byte (within
 * `max_retries`); after output started the client gets the in-band error;
 * a context overflow is not retried and names the model's window. The peek
 * itself: what it replays, and the event reader taking the peeked body over.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { contextOverflowEvents, type FakeEvent, ScriptBuilder } from "../support/fake_script.ts";
import { inProcessApp, sseData } from "../support/in_process.ts";
import { peekFirstOutput, retryableBeforeOutput } from "../../src/upstream/peek_first_output.ts";
import { UpstreamEventReader } from "../../src/upstream/upstream_event_reader.ts";
import { createLogger } from "../../src/log.ts";
import { toSse } from "../support/fake_script.ts";

const created = { type: "response.created", response: { id: "resp_1", status: "in_progress" } };
const overloaded: FakeEvent = {
  type: "error",
  error: { type: "server_error", code: "server_is_overloaded", message: "Overloaded, try later" },
};
const slowDown: FakeEvent = {
  type: "response.failed",
  response: { id: "resp_1", status: "failed", error: { code: "slow_down", message: "Slow down" } },
};
const ask = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };

Deno.test("inside a 200: server_is_overloaded / slow_down before output are retried, then the answer", async () => {
  const app = inProcessApp({
    reply: (_body, i) =>
      i === 0
        ? [created, overloaded]
        : i === 1
        ? [created, slowDown]
        : new ScriptBuilder().text("made it").completed(),
  });
  const res = await app.post("/v1/chat/completions", ask);
  assertEquals(res.status, 200);
  assertEquals((await res.json()).choices[0].message.content, "made it");
  assertEquals(app.calls.length, 3);
  assertEquals(app.logs.filter((l) => l.includes("retrying the Codex backend")).length, 2);
});

Deno.test("inside a 200: past max_retries the client gets a 503 with the backend's code", async () => {
  const app = inProcessApp({
    configYaml: "backends: { openai_codex: { type: openai-codex, max_retries: 1 } }",
    reply: () => [created, overloaded],
  });
  const res = await app.post("/v1/chat/completions", { ...ask, stream: true });
  assertEquals(res.status, 503);
  const { error } = await res.json();
  assertEquals(error.code, "server_is_overloaded");
  assertStringIncludes(error.message, "gave up after 2 attempts");
  assertEquals(app.calls.length, 2);
});

Deno.test("inside a 200: after output started the failure is in band, never retried", async () => {
  const app = inProcessApp({
    reply:
      () => [...new ScriptBuilder().text("partial").failed("server_is_overloaded", "Overloaded")],
  });
  const res = await app.post("/v1/chat/completions", { ...ask, stream: true });
  assertEquals(res.status, 200);
  const frames = sseData(await res.text());
  const error = frames.find((f) => f !== "[DONE]" && "error" in f) as { error: { code: string } };
  assertEquals(error.error.code, "server_is_overloaded");
  assertEquals(app.calls.length, 1);
});

Deno.test("inside a 200: context_length_exceeded is not retried and names the model's window", async () => {
  const app = inProcessApp({ reply: () => contextOverflowEvents() });
  const res = await app.post("/v1/responses", { model: "gpt-5.4", input: "a very long input" });
  assertEquals(res.status, 400);
  const { error } = await res.json();
  assertEquals(error.code, "context_length_exceeded");
  assertStringIncludes(error.message, "context window of 272000 tokens");
  assertEquals(app.calls.length, 1);
  const anthropic = await app.post("/v1/messages", {
    model: "gpt-5.4-mini",
    max_tokens: 10,
    messages: [{ role: "user", content: "long" }],
  });
  assertEquals(anthropic.status, 400);
  assertStringIncludes((await anthropic.json()).error.message, "128000 tokens");
});

Deno.test("peekFirstOutput(): output first → every byte replayed; a failure first → the verdict", async () => {
  const events = new ScriptBuilder().text("hello").completed();
  const original = toSse(events);
  const ok = await peekFirstOutput(new Response(original), 5000);
  assertEquals(ok.kind, "output");
  if (ok.kind === "output") assertEquals(await ok.response.text(), original);
  // The replay is a byte stream: the event reader reads it into its own small buffer (BYOB).
  const long = toSse(new ScriptBuilder().text("x".repeat(50_000), { chunks: 40 }).completed());
  const replayed = await peekFirstOutput(new Response(long), 5000);
  assert(replayed.kind === "output");
  const reader = replayed.response.body!.getReader({ mode: "byob" });
  const parts: Uint8Array[] = [];
  for (let buffer = new Uint8Array(4096);;) {
    const { value, done } = await reader.read(buffer);
    if (done || !value) break;
    parts.push(value.slice());
    buffer = new Uint8Array(value.buffer);
  }
  assertEquals(new TextDecoder().decode(concat(parts)), long);
  const failed = await peekFirstOutput(new Response(toSse([created, overloaded])), 5000);
  assertEquals(failed.kind, "failure");
  if (failed.kind === "failure") {
    assertEquals(failed.attempt, {
      kind: "status",
      status: 503,
      code: "server_is_overloaded",
      retryAfter: null,
    });
  }
  // The verdict the account pool reuses: a usage limit is a 429 the policy never retries.
  const limit = retryableBeforeOutput({
    type: "error",
    error: { code: "usage_limit_reached", message: "limit", type: "usage_limit_reached" },
  });
  assertEquals([limit.attempt.kind, limit.error.status], ["status", 429]);
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

Deno.test("peekFirstOutput(): events named on their event: line or only in their JSON decide alike", async () => {
  // Without `event:` lines (only `data:`), the peek reads each event's JSON type.
  const dataOnly = (events: FakeEvent[]) =>
    events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
  const verdicts: string[] = [];
  for (const sse of [toSse, dataOnly]) {
    const failed = await peekFirstOutput(new Response(sse([created, slowDown])), 5000);
    verdicts.push(failed.kind === "failure" ? `failure ${failed.error.code}` : failed.kind);
    const ok = await peekFirstOutput(
      new Response(sse([created, ...new ScriptBuilder().text("hi").completed()])),
      5000,
    );
    verdicts.push(ok.kind);
  }
  assertEquals(verdicts, ["failure slow_down", "output", "failure slow_down", "output"]);
});

Deno.test("peekFirstOutput(): the event reader takes the peeked body over; cancelling it releases the backend's body", async () => {
  const events = new ScriptBuilder().text("x".repeat(20_000), { chunks: 30 }).completed();
  const read = async (response: Response) => {
    const reader = new UpstreamEventReader(response.body!, 5000, createLogger("error", () => {}));
    const types: string[] = [];
    for (let batch = await reader.next(); batch; batch = await reader.next()) {
      types.push(...batch.map((e) => e.event.type));
    }
    return types;
  };
  const peeked = await peekFirstOutput(new Response(toSse(events)), 5000);
  assert(peeked.kind === "output");
  assertEquals(await read(peeked.response), await read(new Response(toSse(events))));

  let cancelled: unknown;
  const endless = new ReadableStream<Uint8Array>({
    start(controller) {
      // Output, and no end: the backend is still answering.
      const started = new ScriptBuilder().text("hi").completed().slice(0, -1);
      controller.enqueue(new TextEncoder().encode(toSse(started)));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  const open = await peekFirstOutput(new Response(endless), 5000);
  assert(open.kind === "output");
  const reader = new UpstreamEventReader(
    open.response.body!,
    5000,
    createLogger("error", () => {}),
  );
  assert((await reader.next())!.length > 0);
  reader.cancel("client left");
  assertEquals(cancelled, "client left");
});
