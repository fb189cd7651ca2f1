import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import OpenAI from "openai";
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import {
  assistantItem,
  BASE_INSTRUCTIONS,
  developerItem,
  MODES,
  PASSTHROUGH_CONFIG,
  userItem,
} from "./support.ts";

const ENCRYPTED = ["reasoning.encrypted_content"];

for (const mode of MODES) {
  Deno.test(`responses (${mode.name}): create, non-streaming, exact upstream body`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    proxy.fake.enqueue(replies.text("Hello there, friend!", { chunks: 4 }));
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const response = await client.responses.create({
      model: "gpt-5.4",
      instructions: "Be brief.",
      input: "Say hello",
      max_output_tokens: 50,
      temperature: 0.2,
      truncation: "auto",
      user: "someone",
      metadata: { a: "b" },
    });
    assertEquals(response.object, "response");
    assertEquals(response.status, "completed");
    assertEquals(response.output_text, "Hello there, friend!");
    assertEquals(response.model, "gpt-5.4");
    assertEquals(response.usage?.input_tokens, 12);
    assertEquals(response.usage?.output_tokens, 7);
    assertEquals(response.output.length, 1);

    const body = proxy.fake.calls[0].body!;
    assertEquals(body, {
      model: "gpt-5.4",
      instructions: mode.passthrough ? "Be brief." : BASE_INSTRUCTIONS,
      input: mode.passthrough
        ? [userItem("Say hello")]
        : [developerItem("Be brief."), userItem("Say hello")],
      tools: [],
      tool_choice: "auto",
      parallel_tool_calls: true,
      store: false,
      stream: true,
      include: ENCRYPTED,
      prompt_cache_key: body.prompt_cache_key,
    });
    assert(typeof body.prompt_cache_key === "string" && body.prompt_cache_key.length > 0);
    assert(
      proxy.logs.some((l) =>
        l.includes("dropped parameters") && l.includes("max_output_tokens") &&
        l.includes("truncation")
      ),
    );
  });

  Deno.test(`responses (${mode.name}): create with stream: true, events and text`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    proxy.fake.enqueue({
      kind: "events",
      events: new ScriptBuilder().text(["one ", "two ", "three ", "four"]).completed(),
    });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const stream = await client.responses.create({
      model: "gpt-5.4",
      input: [{ role: "user", content: "count" }],
      stream: true,
    });
    const types: string[] = [];
    const deltas: string[] = [];
    let completedOutput: OpenAI.Responses.ResponseOutputItem[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") deltas.push(event.delta);
      if (event.type === "response.completed") completedOutput = event.response.output;
    }
    assertEquals(deltas, ["one ", "two ", "three ", "four"]);
    assertEquals(types[0], "response.created");
    assertEquals(types.at(-1), "response.completed");
    // The backend's response.completed has output: []; the client's carries the items.
    assertEquals(completedOutput.length, 1);
    const message = completedOutput[0];
    assert(message.type === "message" && message.content[0].type === "output_text");
    assertEquals(message.content[0].text, "one two three four");
  });

  Deno.test(`responses (${mode.name}): responses.stream() gives the final output_text`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    proxy.fake.enqueue(replies.text("streamed answer", { chunks: 3 }));
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const stream = client.responses.stream({ model: "gpt-5.4", input: "go" });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    assertEquals(final.output_text, "streamed answer");
    assertEquals(deltas.join(""), "streamed answer");
    assertEquals(final.output[0].type, "message");
  });

  Deno.test(`responses (${mode.name}): function-call round trip with the SDK`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const tools: OpenAI.Responses.Tool[] = [{
      type: "function",
      name: "get_weather",
      description: "Weather for a city",
      parameters: {
        type: "object",
        properties: { input: { type: "string" } },
        required: ["input"],
        additionalProperties: false,
      },
      strict: true,
    }];
    const input: OpenAI.Responses.ResponseInput = [{
      role: "user",
      content: "CALL_TOOL=get_weather",
    }];
    const first = await client.responses.create({ model: "gpt-5.4", input, tools, store: false });
    const call = first.output.find((o) => o.type === "function_call");
    assert(call && call.type === "function_call");
    assertEquals(call.name, "get_weather");
    assertEquals(call.arguments, '{"input":"x"}');
    assertEquals(proxy.fake.calls[0].body!.tools, tools);

    const stream = client.responses.stream({
      model: "gpt-5.4",
      tools,
      store: false,
      input: [
        ...input,
        ...first.output as OpenAI.Responses.ResponseInputItem[],
        { type: "function_call_output", call_id: call.call_id, output: "sunny, 21 C" },
      ],
    });
    const second = await stream.finalResponse();
    assertEquals(second.output_text, "Tool said: sunny, 21 C");
    assertEquals(proxy.fake.calls[1].body!.input, [
      userItem("CALL_TOOL=get_weather"),
      {
        type: "function_call",
        status: "completed",
        arguments: '{"input":"x"}',
        call_id: call.call_id,
        name: "get_weather",
      },
      { type: "function_call_output", call_id: call.call_id, output: "sunny, 21 C" },
    ]);
  });

  Deno.test(`responses (${mode.name}): previous_response_id across three turns`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const first = await client.responses.create({ model: "gpt-5.4", input: "first" });
    assertEquals(first.output_text, "Echo: first");
    // The second turn streams: a streamed response is stored too.
    const second = await client.responses.stream({
      model: "gpt-5.4",
      input: "second",
      previous_response_id: first.id,
    }).finalResponse();
    assertEquals(second.output_text, "Echo: second");
    const third = await client.responses.create({
      model: "gpt-5.4",
      input: [{ role: "user", content: "third" }],
      previous_response_id: second.id,
      store: true,
    });
    assertEquals(third.output_text, "Echo: third");

    const inputs = proxy.fake.calls.map((c) => c.body!.input);
    assertEquals(inputs[0], [userItem("first")]);
    assertEquals(inputs[1], [userItem("first"), assistantItem("Echo: first"), userItem("second")]);
    assertEquals(inputs[2], [
      userItem("first"),
      assistantItem("Echo: first"),
      userItem("second"),
      assistantItem("Echo: second"),
      userItem("third"),
    ]);
    for (const call of proxy.fake.calls) {
      assertEquals("previous_response_id" in call.body!, false);
      assertEquals(call.body!.store, false);
    }
    // GET gives back the stored response.
    const fetched = await client.responses.retrieve(third.id);
    assertEquals(fetched.id, third.id);
    assertEquals(fetched.output_text, "Echo: third");
    assertEquals(fetched.previous_response_id, second.id);
    // …and its input items, the whole conversation before the answer.
    const listed: unknown[] = [];
    for await (const item of client.responses.inputItems.list(third.id, { order: "asc" })) {
      listed.push(item);
    }
    assertEquals(listed, [
      userItem("first"),
      { ...assistantItem("Echo: first"), id: first.output[0].id },
      userItem("second"),
      { ...assistantItem("Echo: second"), id: second.output[0].id },
      { type: "message", role: "user", content: [{ type: "input_text", text: "third" }] },
    ]);
  });

  Deno.test(`responses (${mode.name}): reasoning with encrypted_content replayed next turn`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    proxy.fake.enqueue({
      kind: "events",
      events: new ScriptBuilder()
        .reasoning(["Thinking about it."], { encrypted: "gAAAAsecret-1" })
        .text("Answer one")
        .completed(),
    });
    const first = await client.responses.create({
      model: "gpt-5.4",
      input: "think",
      reasoning: { effort: "high", summary: "auto" },
    });
    const reasoning = first.output[0];
    assert(reasoning.type === "reasoning");
    assertEquals(reasoning.encrypted_content, "gAAAAsecret-1");
    assertEquals(reasoning.summary, [{ type: "summary_text", text: "Thinking about it." }]);
    assertEquals(proxy.fake.calls[0].body!.reasoning, { effort: "high", summary: "auto" });

    // Replayed by id emulation …
    await client.responses.create({
      model: "gpt-5.4",
      input: "again",
      previous_response_id: first.id,
    });
    // … and by the client sending the items itself (with their ids, as the SDK gives them).
    await client.responses.create({
      model: "gpt-5.4",
      store: false,
      input: [
        { role: "user", content: "think" },
        ...first.output as OpenAI.Responses.ResponseInputItem[],
        { role: "user", content: "again" },
      ],
    });
    const expected = [
      userItem("think"),
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Thinking about it." }],
        encrypted_content: "gAAAAsecret-1",
      },
      assistantItem("Answer one"),
      userItem("again"),
    ];
    assertEquals(proxy.fake.calls[1].body!.input, expected);
    assertEquals(proxy.fake.calls[2].body!.input, expected);
  });
}

Deno.test("responses: unknown previous_response_id → 404 in OpenAI's shape, nothing sent", async () => {
  await using proxy = await startProxy();
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const error = await assertRejects(() =>
    client.responses.create({ model: "gpt-5.4", input: "x", previous_response_id: "resp_nope" })
  );
  assert(error instanceof OpenAI.NotFoundError, String(error));
  assertEquals(error.code, "previous_response_not_found");
  assertEquals(error.param, "previous_response_id");
  assert(error.message.includes("resp_nope"));
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("responses: store: false is not kept; GET of it is 404; the oldest beyond max_entries is dropped", async () => {
  await using proxy = await startProxy({
    configYaml: "responses_store:\n  max_entries: 2\n  ttl_seconds: 3600\n",
  });
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const unstored = await client.responses.create({ model: "gpt-5.4", input: "a", store: false });
  const res = await fetch(`${proxy.url}/v1/responses/${unstored.id}`);
  assertEquals(res.status, 404);
  const json = await res.json();
  assertEquals(json.error.type, "invalid_request_error");
  assertEquals(json.error.message, `Response with id '${unstored.id}' not found.`);

  const ids: string[] = [];
  for (const text of ["b", "c", "d"]) {
    ids.push((await client.responses.create({ model: "gpt-5.4", input: text })).id);
  }
  // max_entries: 2 → the oldest of the three is dropped.
  await assertRejects(() => client.responses.retrieve(ids[0]));
  assertEquals((await client.responses.retrieve(ids[2])).output_text, "Echo: d");
  const deleted = await fetch(`${proxy.url}/v1/responses/${ids[2]}`, { method: "DELETE" });
  assertEquals(await deleted.json(), { id: ids[2], object: "response.deleted", deleted: true });
  assertEquals((await fetch(`${proxy.url}/v1/responses/${ids[2]}`)).status, 404);
});

Deno.test("responses: POST /v1/responses/input_tokens → 501 with a clear message", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  const res = await fetch(`${proxy.url}/v1/responses/input_tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", input: "x" }),
  });
  assertEquals(res.status, 501);
  const json = await res.json();
  assertEquals(json.error.code, "not_implemented");
  assert(json.error.message.includes("no token counter"), json.error.message);
});

Deno.test("responses: item_reference resolves to a stored item", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const first = await client.responses.create({ model: "gpt-5.4", input: "remember me" });
  const messageId = first.output[0].id!;
  await client.responses.create({
    model: "gpt-5.4",
    input: [
      { role: "user", content: "remember me" },
      { type: "item_reference", id: messageId },
      { type: "item_reference", id: "msg_unknown" },
      { role: "user", content: "next" },
    ],
  });
  assertEquals(proxy.fake.calls[1].body!.input, [
    userItem("remember me"),
    assistantItem("Echo: remember me"),
    userItem("next"),
  ]);
});
