import { assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { cutAtStopSequence, StopSequenceCutter } from "../../src/dialects/stop_sequence_cutter.ts";
import { withPings } from "../../src/dialects/anthropic_messages/ping_stream.ts";
import { claudeModelAlias } from "../../src/models/claude_model_aliases.ts";
import { anthropicErrorType } from "../../src/dialects/anthropic_messages/error_body.ts";
import { ProxyError } from "../../src/errors.ts";

Deno.test("StopSequenceCutter holds back a possible start and cuts across pieces", () => {
  const cutter = new StopSequenceCutter(["</done>", "XY"]);
  assertEquals(cutter.push("abc</do"), { text: "abc" });
  assertEquals(cutter.push("g and X"), { text: "</dog and " });
  assertEquals(cutter.push("Z </done> tail"), { text: "XZ ", matched: "</done>" });
  assertEquals(cutter.push("more"), { text: "" });
  assertEquals(cutter.flush(), "");
  const clean = new StopSequenceCutter(["XY"]);
  assertEquals(clean.push("endX"), { text: "end" });
  assertEquals(clean.flush(), "X");
  assertEquals(cutAtStopSequence("a STOP b", ["STOP"]), { text: "a ", matched: "STOP" });
  assertEquals(cutAtStopSequence("a ST", ["STOP"]), { text: "a ST" });
});

Deno.test("withPings() pings only while idle, after the first chunk, and clears its timer", async () => {
  const encoder = new TextEncoder();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let step = 0;
  const source = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (step === 0) c.enqueue(encoder.encode("A"));
      else if (step === 1) {
        await gate;
        c.enqueue(encoder.encode("B"));
      } else c.close();
      step++;
    },
  }, { highWaterMark: 0 });
  const wrapped = withPings(source, { intervalMs: 20, frame: "P" });
  const reader = wrapped.getReader();
  const decoder = new TextDecoder();
  const got: string[] = [];
  got.push(decoder.decode((await reader.read()).value));
  got.push(decoder.decode((await reader.read()).value)); // a ping while the source waits
  got.push(decoder.decode((await reader.read()).value));
  release();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    got.push(decoder.decode(value));
  }
  assertEquals(got.slice(0, 3), ["A", "P", "P"]);
  assertEquals(got.filter((g) => g !== "P"), ["A", "B"]);
  // No timer is left running here: Deno's test sanitizer fails the test otherwise.
});

Deno.test("withPings() stops its timer when the client cancels", async () => {
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode("A"));
    },
  });
  const reader = withPings(source, { intervalMs: 10, frame: "P" }).getReader();
  await reader.read();
  await reader.cancel();
});

Deno.test("claudeModelAlias() maps families and lets config win", () => {
  assertEquals(claudeModelAlias("claude-opus-5", {}), "gpt-5.4");
  assertEquals(claudeModelAlias("claude-sonnet-4-5-20250929", {}), "gpt-5.4");
  assertEquals(claudeModelAlias("claude-3-5-haiku-20241022", {}), "gpt-5.4-mini");
  assertEquals(claudeModelAlias("claude-haiku-4-5", {}), "gpt-5.4-mini");
  assertEquals(claudeModelAlias("claude-mythos-5", {}), "gpt-5.4");
  assertEquals(claudeModelAlias("gpt-5.4", {}), undefined);
  assertEquals(claudeModelAlias("claude-haiku-4-5", { "claude-haiku": "gpt-5.5" }), "gpt-5.5");
  assertEquals(claudeModelAlias("claude-mythos-5", { claude: "gpt-5.5" }), "gpt-5.5");
  assertEquals(claudeModelAlias("claude-opus-5", { "claude-opus-5": "x" }), undefined);
});

Deno.test("anthropicErrorType() maps statuses to Anthropic's types", () => {
  const type = (status: number, message = "x", code?: string) =>
    anthropicErrorType(new ProxyError(status, message, { code }));
  assertEquals(type(400), "invalid_request_error");
  assertEquals(type(401), "authentication_error");
  assertEquals(type(403), "permission_error");
  assertEquals(type(404), "not_found_error");
  assertEquals(type(413), "request_too_large");
  assertEquals(type(429), "rate_limit_error");
  assertEquals(type(500), "api_error");
  assertEquals(type(502, "The Codex backend failed (503): later"), "overloaded_error");
  assertEquals(type(529), "overloaded_error");
  assertEquals(type(400, "too long", "context_length_exceeded"), "invalid_request_error");
});

Deno.test("count_tokens: the documented estimate", async () => {
  await using proxy = await startProxy();
  const body = {
    model: "claude-sonnet-5",
    system: "12345678", // 8 chars
    tools: [{ name: "t", input_schema: { type: "object" } }],
    messages: [
      { role: "user", content: "abcdefghijkl" }, // 12 chars
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "c1", name: "t", input: { a: 1 } }],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: "ok" },
          { type: "image", source: { type: "url", url: "https://example.com/x.png" } },
        ],
      },
    ],
  };
  const res = await fetch(`${proxy.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assertEquals(res.status, 200);
  const toolJson = JSON.stringify({
    type: "function",
    name: "t",
    parameters: { type: "object" },
    strict: false,
  });
  // chars: system 8 + user 12 + call "t" + '{"a":1}' (1 + 7) + output "ok" 2 + tool JSON
  const chars = 8 + 12 + 8 + 2 + toolJson.length;
  // 4 items × 3 + one image × 1600
  assertEquals(await res.json(), { input_tokens: Math.ceil(chars / 4) + 4 * 3 + 1600 });
  assertEquals(proxy.fake.calls.length, 0);

  const bad = await fetch(`${proxy.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-sonnet-5" }),
  });
  assertEquals(bad.status, 400);
  assertEquals((await bad.json()).error.type, "invalid_request_error");
});
