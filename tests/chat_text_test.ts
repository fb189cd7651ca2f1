import { assert, assertEquals } from "./support/assert.ts";
import OpenAI from "openai";
import { startProxy } from "./support/harness.ts";
import { replies } from "./support/fake_codex.ts";

Deno.test("chat: npm:openai non-streaming text round trip, exact upstream body", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("Hello there, friend!", { chunks: 4 }));
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const completion = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Say hello" },
    ],
    temperature: 0.2,
    max_tokens: 50,
  });
  assertEquals(completion.choices[0].message.content, "Hello there, friend!");
  assertEquals(completion.choices[0].finish_reason, "stop");
  assertEquals(completion.model, "gpt-5.4");
  assertEquals(completion.usage?.prompt_tokens, 12);
  assertEquals(completion.usage?.completion_tokens, 7);

  assertEquals(proxy.fake.calls.length, 1);
  const call = proxy.fake.calls[0];
  const body = call.body!;
  assertEquals(body, {
    model: "gpt-5.4",
    instructions: "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.",
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Be brief." }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Say hello" }] },
    ],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: true,
    reasoning: { summary: "auto" },
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: body.prompt_cache_key,
  });
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(String(body.prompt_cache_key)));
  assertEquals(call.headers["authorization"], `Bearer ${proxy.tokens.access_token}`);
  assertEquals(call.headers["chatgpt-account-id"], proxy.tokens.account_id);
  assertEquals(call.headers["originator"], "codex_cli_rs");
  assertEquals(call.headers["accept"], "text/event-stream");
  assertEquals(call.headers["session-id"], body.prompt_cache_key);
  assertEquals(call.headers["thread-id"], body.prompt_cache_key);
  assert(call.headers["x-client-request-id"]);
  assert(call.headers["user-agent"].startsWith("codex_cli_rs/0.169.0 ("));
});

Deno.test("chat: npm:openai streaming text, role chunk, deltas in order, [DONE]", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("one two three four", { chunks: 4 }));
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const stream = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "count" }],
    stream: true,
  });
  const deltas: string[] = [];
  const finishes: (string | null)[] = [];
  let role: string | undefined;
  const ids = new Set<string>();
  for await (const chunk of stream) {
    ids.add(chunk.id);
    const choice = chunk.choices[0];
    if (!choice) continue;
    role ??= choice.delta.role;
    if (choice.delta.content) deltas.push(choice.delta.content);
    finishes.push(choice.finish_reason);
  }
  assertEquals(role, "assistant");
  assertEquals(deltas.join(""), "one two three four");
  assertEquals(deltas.length, 4);
  assertEquals(finishes.at(-1), "stop");
  assertEquals(ids.size, 1);
});

Deno.test("chat: the stream ends with data: [DONE] on the wire", async () => {
  await using proxy = await startProxy();
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
  assertEquals(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const text = await res.text();
  assert(text.endsWith("data: [DONE]\n\n"), text.slice(-80));
  const content = text.split("\n\n").filter((f) => f.startsWith("data: {"))
    .map((f) => JSON.parse(f.slice(6)).choices[0]?.delta?.content ?? "").join("");
  assertEquals(content, "Echo: hi");
});
