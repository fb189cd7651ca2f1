/**
 * `response_format: {type: "json_object", schema}` (instructor's JSON_SCHEMA
 * mode) reaches the backend as a non-strict JSON-schema format; and a dropped
 * parameter that changes the answer's shape is named to the client and in the log.
 */
import OpenAI from "openai";
import { assert, assertEquals } from "../support/assert.ts";
import { FAKE_MODELS, refuseSettings, replies } from "../support/fake_codex.ts";
import { type ProxyHarness, startProxy } from "../support/harness.ts";
import { MODES } from "../responses/support.ts";

const SCHEMA = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "number" } },
  required: ["name", "age"],
};
const ANSWER = '{"name":"Ada","age":36}';

function openai(proxy: ProxyHarness): OpenAI {
  return new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
}

function upstreamFormat(proxy: ProxyHarness, index = 0): unknown {
  return (proxy.fake.calls[index].body!.text as { format?: unknown } | undefined)?.format;
}

Deno.test("json_object+schema: the fake backend refuses a schema beside json_object", () => {
  const refused = refuseSettings(
    { model: "gpt-5.4", text: { format: { type: "json_object", schema: SCHEMA } } },
    FAKE_MODELS,
  );
  assertEquals(refused?.status, 400);
});

Deno.test("json_object+schema: Chat response_format goes up as json_schema, strict off", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text(ANSWER));
  const completion = await openai(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "Extract: Ada is 36." }],
    response_format: { type: "json_object", schema: SCHEMA } as OpenAI.ResponseFormatJSONObject,
  });
  assertEquals(JSON.parse(completion.choices[0].message.content!), { name: "Ada", age: 36 });
  assertEquals(upstreamFormat(proxy), {
    type: "json_schema",
    name: "response",
    schema: SCHEMA,
    strict: false,
  });
});

Deno.test("json_object+schema: plain json_object stays json_object", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.text(ANSWER));
  await openai(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "JSON please" }],
    response_format: { type: "json_object" },
  });
  assertEquals(upstreamFormat(proxy), { type: "json_object" });
});

for (const mode of MODES) {
  Deno.test(`json_object+schema (${mode.name}): Responses text.format the same way`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    proxy.fake.enqueue(replies.text(ANSWER));
    const response = await openai(proxy).responses.create({
      model: "gpt-5.4",
      input: "Extract: Ada is 36.",
      text: {
        format: { type: "json_object", schema: SCHEMA } as OpenAI.ResponseFormatJSONObject,
      },
    });
    assertEquals(JSON.parse(response.output_text), { name: "Ada", age: 36 });
    assertEquals(upstreamFormat(proxy), {
      type: "json_schema",
      name: "response",
      schema: SCHEMA,
      strict: false,
    });
  });
}

Deno.test("ignored params: logprobs the backend cannot give are named in a header and the log", async () => {
  await using proxy = await startProxy();
  const { data, response } = await openai(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    logprobs: true,
    top_logprobs: 2,
  }).withResponse();
  assertEquals(data.choices[0].message.content, "Echo: hi");
  assertEquals(response.headers.get("x-codexgate-ignored-params"), "logprobs, top_logprobs");
  const line = proxy.logs.map((l) => JSON.parse(l)).find((l) =>
    l.msg === "request" && l.id === response.headers.get("x-request-id")
  );
  assert(line);
  assertEquals([line.level, line.ignored_params], ["info", ["logprobs", "top_logprobs"]]);
  // Parameters that do not change the answer's shape stay at debug only.
  const { response: plain } = await openai(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    temperature: 0.2,
    logprobs: false,
  }).withResponse();
  assertEquals(plain.headers.get("x-codexgate-ignored-params"), null);
});
