import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { startProxy } from "../support/harness.ts";
import { openaiClient, upstreamBody, userItem } from "./_helpers.ts";
import OpenAI from "openai";

const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";

Deno.test("chat request: multi-part user message with a data: image and an https image", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("Two images: a dot and a cat."));
  const completion = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{
      role: "user",
      content: [
        { type: "text", text: "Compare these:" },
        { type: "image_url", image_url: { url: PNG, detail: "low" } },
        { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "high" } },
        { type: "text", text: "Which is bigger?" },
      ],
    }],
  });
  assertEquals(completion.choices[0].message.content, "Two images: a dot and a cat.");
  const body = proxy.fake.calls[0].body;
  assertEquals(
    body,
    upstreamBody(body, {
      input: [{
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "Compare these:" },
          { type: "input_image", image_url: PNG, detail: "low" },
          { type: "input_image", image_url: "https://example.com/cat.jpg", detail: "high" },
          { type: "input_text", text: "Which is bigger?" },
        ],
      }],
    }),
  );
});

Deno.test("chat request: every dropped parameter is left out upstream and logged at debug", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("ok"));
  const dropped = {
    temperature: 0.3,
    top_p: 0.9,
    max_tokens: 100,
    max_completion_tokens: 120,
    n: 1,
    presence_penalty: 0.1,
    frequency_penalty: 0.2,
    logit_bias: { "50256": -100 },
    logprobs: true,
    top_logprobs: 2,
    user: "user-42",
    metadata: { trace: "abc" },
    seed: 7,
    service_tier: "auto",
    store: true,
    some_future_param: { x: 1 },
  } as const;
  const completion = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    ...dropped,
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assertEquals(completion.choices[0].message.content, "ok");
  const body = proxy.fake.calls[0].body;
  assertEquals(body, upstreamBody(body, { input: [userItem("hi")] }));
  const line = proxy.logs.map((l) => JSON.parse(l)).find((l) => l.msg === "dropped parameters");
  assert(line, "a debug line lists the dropped parameters");
  assertEquals(line.level, "debug");
  assertEquals([...line.dropped].sort(), Object.keys(dropped).sort());
});

Deno.test("chat request: n=2 → 400 naming n, nothing sent upstream", async () => {
  await using proxy = await startProxy();
  const error = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    n: 2,
  }).then(() => undefined, (e) => e);
  assert(error instanceof OpenAI.BadRequestError, String(error));
  assertEquals(error.status, 400);
  assertEquals(error.param, "n");
  assertStringIncludes(error.message, "`n` greater than 1 is not supported");
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("chat request: input_audio and file-id parts → clear 400, nothing sent upstream", async () => {
  await using proxy = await startProxy();
  const client = openaiClient(proxy);
  const audio = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{
      role: "user",
      content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }],
    }],
  }).then(() => undefined, (e) => e);
  assert(audio instanceof OpenAI.BadRequestError, String(audio));
  assertEquals(audio.code, "unsupported_content");
  assertEquals(audio.param, "messages[0].content[0]");
  assertStringIncludes(audio.message, "audio input is not supported");
  const file = await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-123" } }] }],
  }).then(() => undefined, (e) => e);
  assert(file instanceof OpenAI.BadRequestError, String(file));
  assertEquals(file.code, "unsupported_content");
  assertStringIncludes(file.message, "file ids are not supported");
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("chat request: json_schema response_format → text.format, JSON answer parsed", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text('{"city":"Paris","population":2102650}'));
  const schema = {
    type: "object",
    properties: { city: { type: "string" }, population: { type: "integer" } },
    required: ["city", "population"],
    additionalProperties: false,
  };
  const completion = await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "Largest city of France?" }],
    response_format: { type: "json_schema", json_schema: { name: "city", schema, strict: true } },
    verbosity: "low",
  });
  assertEquals(JSON.parse(completion.choices[0].message.content!), {
    city: "Paris",
    population: 2102650,
  });
  const body = proxy.fake.calls[0].body;
  assertEquals(
    body,
    upstreamBody(body, {
      input: [userItem("Largest city of France?")],
      text: {
        verbosity: "low",
        format: { type: "json_schema", name: "city", schema, strict: true },
      },
    }),
  );
});

Deno.test("chat request: reasoning_effort + reasoning.summary → reasoning; unknown effort → 400 listing levels", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("a"), replies.text("b"));
  const client = openaiClient(proxy);
  await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "think" }],
    reasoning_effort: "high",
  });
  await client.chat.completions.create({
    model: "gpt-5.4-mini",
    messages: [{ role: "user", content: "think" }],
    reasoning: { effort: "low", summary: "detailed" },
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assertEquals(proxy.fake.calls[0].body!.reasoning, { effort: "high", summary: "auto" });
  assertEquals(proxy.fake.calls[1].body!.reasoning, { effort: "low", summary: "detailed" });

  // gpt-5.4-mini's catalog entry offers low, medium, high; "extreme" has no known meaning.
  const error = await client.chat.completions.create({
    model: "gpt-5.4-mini",
    messages: [{ role: "user", content: "think" }],
    reasoning_effort: "extreme" as OpenAI.ReasoningEffort,
  }).then(() => undefined, (e) => e);
  assert(error instanceof OpenAI.BadRequestError, String(error));
  assertEquals(error.code, "unsupported_reasoning_effort");
  assertEquals(error.param, "reasoning_effort");
  assertStringIncludes(error.message, "use one of low, medium, high");
  assertEquals(proxy.fake.calls.length, 2);
});

Deno.test("chat request: assistant reasoning_encrypted_content replays as reasoning items", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text("done"));
  await openaiClient(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [
      { role: "user", content: "start" },
      {
        role: "assistant",
        content: "Thinking done.",
        reasoning_encrypted_content: ["gAAAA-one", "gAAAA-two"],
      } as OpenAI.ChatCompletionAssistantMessageParam,
      { role: "user", content: "go on" },
    ],
  });
  const body = proxy.fake.calls[0].body;
  assertEquals(body!.input, [
    userItem("start"),
    { type: "reasoning", encrypted_content: "gAAAA-one", summary: [] },
    { type: "reasoning", encrypted_content: "gAAAA-two", summary: [] },
    {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "Thinking done." }],
    },
    userItem("go on"),
  ]);
});
