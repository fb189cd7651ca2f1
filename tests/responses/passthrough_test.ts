import { assert, assertEquals } from "../support/assert.ts";
import OpenAI from "openai";
import { type FakeEvent, ScriptBuilder, toSse } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { BASE_INSTRUCTIONS, MODES, PASSTHROUGH_CONFIG } from "./support.ts";
import capture from "./fixtures/codex_cli_0.169_requests.json" with { type: "json" };

function script(): FakeEvent[] {
  return new ScriptBuilder()
    .reasoning(["Plan: look, then answer."], { encrypted: "gAAAAenc" })
    .text(["Here ", "is the ", "answer — ünïcödé ✓"])
    .toolCall("lookup", '{"q":"weather in Paris"}', { fragments: 4 })
    .customToolCall("apply_patch", "*** Begin Patch\n*** End Patch\n")
    .usage({ input_tokens: 100, cached_tokens: 64, output_tokens: 20, reasoning_tokens: 8 })
    .completed();
}

function frames(text: string): string[] {
  return text.split(/(?<=\n\n)/).filter((f) => f.trim() !== "");
}

Deno.test("passthrough: every event byte for byte, except response.completed gets its output", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  const events = script();
  proxy.fake.enqueue({ kind: "events", events });
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", input: "go", stream: true }),
  });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const got = frames(await res.text());
  const sent = events.map((e) => toSse([e]));
  assertEquals(got.length, sent.length);
  for (let i = 0; i < sent.length - 1; i++) assertEquals(got[i], sent[i], `event ${i}`);

  // The terminal event: identical except `output`, which holds the finished items in order.
  const last = got.at(-1)!;
  assert(last.startsWith("event: response.completed\ndata: "));
  const data = JSON.parse(last.slice(last.indexOf("data: ") + 6));
  const items = events.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
  assertEquals(items.length, 4);
  assertEquals(data.response.output, items);
  data.response.output = [];
  assertEquals(`event: response.completed\ndata: ${JSON.stringify(data)}\n\n`, sent.at(-1));
});

Deno.test("passthrough: responses.stream() and non-streaming create see the full output", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const events = script();
  proxy.fake.enqueue({ kind: "events", events }, { kind: "events", events });
  const streamed = await client.responses.stream({ model: "gpt-5.4", input: "go" })
    .finalResponse();
  assertEquals(streamed.output_text, "Here is the answer — ünïcödé ✓");
  assertEquals(streamed.output.map((o) => o.type), [
    "reasoning",
    "message",
    "function_call",
    "custom_tool_call",
  ]);
  assertEquals(streamed.usage?.input_tokens_details.cached_tokens, 64);
  const plain = await client.responses.create({ model: "gpt-5.4", input: "go" });
  assertEquals(plain.output_text, "Here is the answer — ünïcödé ✓");
  const items = events.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
  assertEquals(plain.output, items);
});

Deno.test("normalized: model echoed as asked, sequence numbers our own, output filled", async () => {
  await using proxy = await startProxy({ configYaml: "aliases:\n  fast: gpt-5.4-mini\n" });
  proxy.fake.enqueue({ kind: "events", events: script() });
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "fast", input: "go", stream: true }),
  });
  const events = frames(await res.text()).map((f) => JSON.parse(f.slice(f.indexOf("data: ") + 6)));
  assertEquals(proxy.fake.calls[0].body!.model, "gpt-5.4-mini");
  assertEquals(events.map((e) => e.sequence_number), events.map((_, i) => i));
  for (const e of events.filter((e) => e.response)) assertEquals(e.response.model, "fast");
  assertEquals(events.at(-1).response.output.length, 4);
});

for (const mode of MODES) {
  Deno.test(`responses (${mode.name}): the Codex CLI 0.169 request shape goes upstream clean`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    // The capture's second request: after a tool call, with item ids everywhere.
    const captured = structuredClone(capture[1]);
    const body = captured.body as Record<string, unknown> & { input: Record<string, unknown>[] };
    // Its first developer message is the catalog's base instructions (placeholder in the capture).
    body.input[0].content = [{ type: "input_text", text: BASE_INSTRUCTIONS }];
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "session-id": captured.headers["session-id"],
      "thread-id": captured.headers["thread-id"],
      "authorization": "Bearer client-key-never-forwarded",
    };
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    assertEquals(res.status, 200, await res.clone().text());
    const text = await res.text();
    assert(text.includes("Tool said: <text, 105 chars>"), text.slice(-400));

    const call = proxy.fake.calls[0];
    const stripped = body.input.slice(1).map(({ id: _, ...rest }) => rest);
    const upstream: Record<string, unknown> = call.body!;
    assertEquals<Record<string, unknown>>(upstream, {
      ...body,
      instructions: BASE_INSTRUCTIONS,
      input: stripped,
    });
    // The tools the CLI sends (namespace, custom, web_search) are passed as sent.
    assertEquals(
      (upstream.tools as { type: string }[]).map((t) => t.type).filter((t) => t !== "function"),
      ["custom", "namespace", "namespace", "web_search"],
    );
    const sessionId = captured.headers["session-id"];
    assertEquals(upstream.prompt_cache_key, sessionId);
    assertEquals(call.headers["session-id"], sessionId);
    assertEquals(call.headers["thread-id"], sessionId);
    assertEquals(call.headers["authorization"], `Bearer ${proxy.tokens.access_token}`);
  });
}

Deno.test("passthrough: a response.completed that already has its output passes verbatim too", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  const events = new ScriptBuilder().text("full").completed({ fullOutput: true });
  proxy.fake.enqueue({ kind: "events", events });
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", input: "go", stream: true }),
  });
  assertEquals(frames(await res.text()), events.map((e) => toSse([e])));
});

for (const mode of MODES) {
  Deno.test(`responses (${mode.name}): a session_id header keys the prompt cache when the body has none`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    for (const header of ["session_id", "session-id"]) {
      const res = await fetch(`${proxy.url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", [header]: `sess-${header}` },
        body: JSON.stringify({ model: "gpt-5.4", input: "hi" }),
      });
      assertEquals(res.status, 200);
      await res.body?.cancel();
    }
    // The body's prompt_cache_key wins over the header.
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "session-id": "sess-header" },
      body: JSON.stringify({ model: "gpt-5.4", input: "hi", prompt_cache_key: "key-body" }),
    });
    await res.body?.cancel();
    const keys = proxy.fake.calls.map((c) => [c.body!.prompt_cache_key, c.headers["session-id"]]);
    assertEquals(keys, [
      ["sess-session_id", "sess-session_id"],
      ["sess-session-id", "sess-session-id"],
      ["key-body", "key-body"],
    ]);
  });
}
