import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { openaiClient, rawChat, upstreamBody, userItem, within } from "./_helpers.ts";
import OpenAI from "openai";

Deno.test("chat stream: reasoning effort + summary → reasoning_content deltas, encrypted content on the last chunk", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder()
      .reasoning(["Comparing the numbers.", "Nine is larger."], { encrypted: "gAAAA-secret" })
      .text("9 is larger.")
      .usage({ input_tokens: 30, output_tokens: 40, reasoning_tokens: 25 })
      .completed(),
  });
  const stream = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "9 or 7?" }],
    reasoning_effort: "high",
    stream: true,
    stream_options: { include_usage: true },
  });
  const reasoning: string[] = [];
  let content = "";
  let lastDelta: Record<string, unknown> = {};
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const chunk of stream) {
    usage = chunk.usage ?? usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as Record<string, unknown>;
    if (typeof delta.reasoning_content === "string") reasoning.push(delta.reasoning_content);
    content += choice.delta.content ?? "";
    if (choice.finish_reason) lastDelta = delta;
  }
  assertEquals(reasoning.join(""), "Comparing the numbers.\n\nNine is larger.");
  assert(reasoning.length >= 4, `reasoning deltas: ${reasoning.length}`);
  assertEquals(content, "9 is larger.");
  assertEquals(lastDelta, { reasoning_encrypted_content: "gAAAA-secret" });
  assertEquals(usage?.completion_tokens_details?.reasoning_tokens, 25);
  const body = proxy.fake.calls[0].body;
  assertEquals(
    body,
    upstreamBody(body, {
      input: [userItem("9 or 7?")],
      reasoning: { effort: "high", summary: "auto" },
    }),
  );
});

Deno.test("chat: non-streaming answer carries reasoning_content and reasoning_encrypted_content", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().reasoning(["Short thought."], { encrypted: "gAAAA-x" }).text("Yes.")
      .completed(),
  });
  const completion = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "ok?" }],
  });
  assertEquals(completion.choices[0].message as unknown, {
    role: "assistant",
    content: "Yes.",
    refusal: null,
    reasoning_content: "Short thought.",
    reasoning_encrypted_content: "gAAAA-x",
  });
});

Deno.test("chat: length and content_filter finish reasons, streamed and not", async () => {
  await using proxy = await startProxy();
  const client = openaiClient(proxy);
  for (
    const [reason, expected] of [
      ["max_output_tokens", "length"],
      ["content_filter", "content_filter"],
    ] as const
  ) {
    const events = () => new ScriptBuilder().text("partial answ").incomplete(reason);
    proxy.fake.enqueue({ kind: "events", events: events() }, { kind: "events", events: events() });
    const completion = await client.chat.completions.create({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "long" }],
    });
    assertEquals(completion.choices[0].finish_reason, expected);
    assertEquals(completion.choices[0].message.content, "partial answ");
    const stream = await client.chat.completions.create({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "long" }],
      stream: true,
    });
    const finishes: string[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    assertEquals(finishes, [expected]);
  }
});

Deno.test("chat stream: include_usage on → one usage chunk with cached and reasoning tokens; off → none", async () => {
  await using proxy = await startProxy();
  const events = () =>
    new ScriptBuilder().text("Hi.").usage({
      input_tokens: 1200,
      cached_tokens: 1024,
      output_tokens: 300,
      reasoning_tokens: 256,
    }).completed();
  proxy.fake.enqueue(
    { kind: "events", events: events() },
    { kind: "events", events: events() },
    { kind: "events", events: events() },
  );
  const request = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }], stream: true };
  const on = await rawChat(proxy, { ...request, stream_options: { include_usage: true } });
  const off = await rawChat(proxy, request);
  const expectedUsage = {
    prompt_tokens: 1200,
    completion_tokens: 300,
    total_tokens: 1500,
    prompt_tokens_details: { cached_tokens: 1024 },
    completion_tokens_details: { reasoning_tokens: 256 },
  };
  const usageFrames = (frames: typeof on.frames) =>
    frames.filter((f) => f !== "[DONE]" && "usage" in f);
  assertEquals(usageFrames(on.frames).length, 1);
  const usageFrame = usageFrames(on.frames)[0] as Record<string, unknown>;
  assertEquals(usageFrame.choices, []);
  assertEquals(usageFrame.usage, expectedUsage);
  // The usage chunk comes after the finish chunk, right before [DONE].
  assertEquals(on.frames.at(-2), usageFrame);
  assertEquals(on.frames.at(-1), "[DONE]");
  assertEquals(usageFrames(off.frames), []);
  assertEquals(off.frames.at(-1), "[DONE]");

  const completion = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(completion.usage as unknown, expectedUsage);
  // Chunk ids and `created` are the same across one stream; model echoes the request.
  const chunks = on.frames.filter((f) => f !== "[DONE]") as Record<string, unknown>[];
  assertEquals(new Set(chunks.map((c) => `${c.id}|${c.created}|${c.model}`)).size, 1);
  assertEquals(chunks[0].model, "gpt-5.4");
});

Deno.test("chat stream: a 5 MB text delta arrives intact", async () => {
  await using proxy = await startProxy();
  const pattern = "0123456789abcdefghijklmnopqrstuvwxyz ÄÖÜ € 🚀\n";
  const big = pattern.repeat(Math.ceil((5 * 1024 * 1024) / pattern.length));
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text(["start:", big, ":end"]).completed(),
  });
  const stream = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "big" }],
    stream: true,
  });
  const deltas: string[] = [];
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta.content;
    if (content) deltas.push(content);
  }
  assertEquals(deltas.length, 3);
  assert(deltas[1] === big, `delta of ${deltas[1].length} chars differs`);
  assertEquals(deltas.join(""), `start:${big}:end`);
});

Deno.test("chat stream: client abort mid-stream aborts the upstream request", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text(["one ", "two ", "three ", "four"]).completed(),
    // Sends created, in_progress, item added, part added and two deltas, then stays open.
    hangAfter: 6,
  });
  const controller = new AbortController();
  const stream = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "count slowly" }],
    stream: true,
  }, { signal: controller.signal });
  let seen = "";
  // The SDK ends the iteration quietly when its signal aborts.
  for await (const chunk of stream) {
    seen += chunk.choices[0]?.delta.content ?? "";
    if (seen === "one two ") controller.abort();
  }
  assertEquals(seen, "one two ");
  // The fake would hold the connection forever; only the proxy letting go ends it.
  await within(proxy.fake.calls[0].closed, 3000, "upstream connection closed");
});

Deno.test("chat stream: a backend failure after the first byte → one error event, then a clean close", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("Half an ans").failed("server_error", "The model crashed"),
  });
  const { status, frames, text } = await rawChat(proxy, {
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  });
  assertEquals(status, 200);
  const errors = frames.filter((f) => f !== "[DONE]" && "error" in f) as {
    error: Record<string, unknown>;
  }[];
  assertEquals(errors.length, 1);
  assertEquals(frames.at(-1), errors[0]);
  assertEquals(errors[0].error.code, "server_error");
  assertStringIncludes(String(errors[0].error.message), "The model crashed");
  assert(!text.includes("[DONE]"), "no [DONE] after an error");
  const content = frames.map((f) =>
    f === "[DONE]" || !Array.isArray(f.choices)
      ? ""
      : (f.choices[0]?.delta?.content ?? "") as string
  ).join("");
  assertEquals(content, "Half an ans");

  // The SDK surfaces it as an error after the text it got.
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("Half an ans").failed("server_error", "The model crashed"),
  });
  const stream = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  });
  let seen = "";
  const error = await (async () => {
    for await (const chunk of stream) seen += chunk.choices[0]?.delta.content ?? "";
  })().then(() => undefined, (e) => e);
  assert(error instanceof OpenAI.APIError, String(error));
  assertStringIncludes(error.message, "The model crashed");
  assertEquals(seen, "Half an ans");
});

Deno.test("chat: stop sequences cut the answer (streamed: across deltas, upstream released)", async () => {
  await using proxy = await startProxy();
  const client = openaiClient(proxy);
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text(["Line one.\nEN", "D-OF-", "PART then more", " text"])
      .completed(),
    // The stop string is complete after the third delta; then the backend stays open, so the
    // stream can only end because the proxy ends it and lets go of upstream.
    hangAfter: 7,
  });
  const stream = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "two parts" }],
    stop: ["END-OF-PART", "never"],
    stream: true,
    stream_options: { include_usage: true },
  });
  let content = "";
  const finishes: string[] = [];
  for await (const chunk of stream) {
    content += chunk.choices[0]?.delta.content ?? "";
    if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
  }
  assertEquals(content, "Line one.\n");
  assertEquals(finishes, ["stop"]);
  await within(proxy.fake.calls[0].closed, 3000, "upstream released");
  // `stop` never goes upstream.
  const body = proxy.fake.calls[0].body;
  assertEquals(body, upstreamBody(body, { input: [userItem("two parts")] }));

  // A partial match that does not complete is released, not lost.
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text(["abc EN", "D-OF-x done"]).completed(),
  });
  const kept = await rawChat(proxy, {
    model: "gpt-5.4",
    messages: [{ role: "user", content: "x" }],
    stop: "END-OF-PART",
    stream: true,
  });
  const keptText = kept.frames.map((f) =>
    f === "[DONE]" ? "" : ((f.choices as { delta: { content?: string } }[])[0]?.delta.content ?? "")
  ).join("");
  assertEquals(keptText, "abc END-OF-x done");

  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("Answer: 42\n\nQ: next question").completed(),
  });
  const completion = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "q" }],
    stop: "\n\nQ:",
  });
  assertEquals(completion.choices[0].message.content, "Answer: 42");
  assertEquals(completion.choices[0].finish_reason, "stop");
});

Deno.test("chat stream: a backend stream cut mid-answer → one error event, no [DONE]", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text(["cut ", "here", " never"]).completed(),
    // created, in_progress, item added, part added, two deltas: then the connection ends.
    cutAfter: 6,
  });
  const { status, frames } = await rawChat(proxy, {
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  });
  assertEquals(status, 200);
  const last = frames.at(-1) as { error?: Record<string, unknown> };
  assertEquals(last.error?.code, "upstream_stream_cut");
  assertEquals(frames.filter((f) => f === "[DONE]" || "error" in f).length, 1);
  const content = frames.slice(0, -1).map((f) =>
    (f as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? ""
  ).join("");
  assertEquals(content, "cut here");
});
