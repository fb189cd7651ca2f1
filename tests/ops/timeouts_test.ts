import { assert, assertEquals, assertRejects, assertStringIncludes } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { ProxyError } from "../../src/errors.ts";
import { fetchWithTimeout } from "../../src/upstream/fetch_with_timeout.ts";
import { ERROR_BODY_LIMIT, readErrorBody } from "../../src/upstream/read_error_body.ts";
import { errorOf, postChat, settlesWithin } from "./ops_helpers.ts";

const SHORT_TIMEOUT = "backends:\n  openai_codex: { type: openai-codex, timeout: 0.4 }\n";

Deno.test("timeout: backend sends headers then nothing → 504, upstream request aborted", async () => {
  await using proxy = await startProxy({ configYaml: SHORT_TIMEOUT });
  proxy.fake.enqueue({ kind: "hang" });
  const started = performance.now();
  const { status, headers, json } = await postChat(proxy.url, { model: "gpt-5.4", stream: true });
  const elapsed = performance.now() - started;
  assertEquals(status, 504);
  assertEquals(errorOf(json).code, "upstream_timeout");
  assertEquals(errorOf(json).type, "timeout_error");
  assertEquals(errorOf(json).request_id, headers.get("x-request-id"));
  assert(elapsed >= 350 && elapsed < 3000, `answered after the timeout (${elapsed} ms)`);
  assert(await settlesWithin(proxy.fake.calls[0].closed, 2000), "the fake saw the abort");
  // A timeout is not retried: it would multiply the wait.
  assertEquals(proxy.fake.calls.length, 1);
});

Deno.test("timeout: first event later than the timeout → 504 (non-streaming client)", async () => {
  await using proxy = await startProxy({ configYaml: SHORT_TIMEOUT });
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("too late").completed(),
    firstByteDelayMs: 1500,
  });
  const { status, json } = await postChat(proxy.url, { model: "gpt-5.4" });
  assertEquals(status, 504);
  assertEquals(errorOf(json).code, "upstream_timeout");
  assert(await settlesWithin(proxy.fake.calls[0].closed, 2000), "the fake saw the abort");
});

Deno.test("timeout: idle mid-stream → 200 then one stream error event, upstream aborted", async () => {
  await using proxy = await startProxy({ configYaml: SHORT_TIMEOUT });
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("partial answer", { chunks: 1 }).completed(),
    // created, in_progress, the message item, its content part: output began, then silence.
    hangAfter: 4,
  });
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-5.4",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  assertEquals(res.status, 200);
  const requestId = res.headers.get("x-request-id");
  const text = await res.text();
  const data = text.split("\n\n").filter((f) => f.startsWith("data: ")).map((f) => f.slice(6));
  const last = JSON.parse(data.at(-1)!);
  assertEquals(last.error.code, "upstream_timeout");
  assertEquals(last.error.request_id, requestId);
  assertStringIncludes(last.error.message, "0.4 s");
  assert(!text.includes("[DONE]"), "a cut stream does not claim it completed");
  assert(await settlesWithin(proxy.fake.calls[0].closed, 2000), "the fake saw the abort");
});

Deno.test("timeout: idle after response.created, before any output → 504, upstream aborted", async () => {
  await using proxy = await startProxy({ configYaml: SHORT_TIMEOUT });
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("never seen", { chunks: 1 }).completed(),
    hangAfter: 2,
  });
  const { status, json } = await postChat(proxy.url, { model: "gpt-5.4", stream: true });
  assertEquals(status, 504);
  assertEquals(errorOf(json).code, "upstream_timeout");
  assert(await settlesWithin(proxy.fake.calls[0].closed, 2000), "the fake saw the abort");
});

Deno.test("timeout: fetchWithTimeout bounds the wait for headers and aborts the request", async () => {
  let seen: AbortSignal | undefined;
  const neverAnswers = ((_url: string, init?: RequestInit) => {
    seen = init?.signal ?? undefined;
    return new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
    });
  }) as typeof fetch;
  const error = await assertRejects(
    () =>
      fetchWithTimeout(neverAnswers, "http://127.0.0.1:9/x", {}, {
        signal: new AbortController().signal,
        timeoutMs: 50,
      }),
  );
  assert(error instanceof ProxyError);
  assertEquals(error.status, 504);
  assertEquals(seen?.aborted, true);
});

Deno.test("timeout: the client going away is not reported as a timeout", async () => {
  const client = new AbortController();
  const neverAnswers = ((_url: string, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener("abort", () => reject(new DOMException("gone", "AbortError")));
    })) as typeof fetch;
  const pending = fetchWithTimeout(neverAnswers, "http://127.0.0.1:9/x", {}, {
    signal: client.signal,
    timeoutMs: 5000,
  });
  client.abort();
  const error = await assertRejects(() => pending);
  assert(!(error instanceof ProxyError), "an abort, not a 504");
});

Deno.test("timeout: an error answer whose body never ends → its error after the timeout, upstream released", async () => {
  await using proxy = await startProxy({
    configYaml: "backends:\n  openai_codex: { type: openai-codex, timeout: 0.4, max_retries: 0 }\n",
  });
  proxy.fake.enqueue({
    kind: "status",
    status: 429,
    body: JSON.stringify({ error: { message: "slow down", code: "rate_limit_exceeded" } }),
    stallBody: true,
  });
  const answer = postChat(proxy.url, { model: "gpt-5.4" });
  // Generous bound: the timeout is 0.4 s; without the bound on error bodies this never settles.
  assert(await settlesWithin(answer, 10_000), "answered although the error body never ended");
  const { status, json } = await answer;
  assertEquals(status, 429);
  assertEquals(errorOf(json).code, "rate_limit_exceeded");
  assert(await settlesWithin(proxy.fake.calls[0].closed, 5000), "the fake saw the body dropped");
});

Deno.test("readErrorBody: keeps the first 64 KB of a huge error body and drops the rest", async () => {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new TextEncoder().encode("x".repeat(16 * 1024)));
    },
  });
  const text = await readErrorBody(new Response(body, { status: 500 }), { timeoutMs: 10_000 });
  assertEquals(text.length, ERROR_BODY_LIMIT);
  assert(pulled < 10, `stopped reading after the cap (${pulled} chunks)`);
});
