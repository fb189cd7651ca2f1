import { assertEquals } from "../support/assert.ts";
import OpenAI from "openai";
import { replies } from "../support/fake_codex.ts";
import { startProxy } from "../support/harness.ts";
import { PASSTHROUGH_CONFIG, userItem } from "./support.ts";

const REFUSAL = {
  error: {
    message: "The encrypted content for item rs_1 could not be verified.",
    type: "invalid_request_error",
    param: null,
    code: "invalid_encrypted_content",
  },
};

Deno.test("responses: reasoning the backend cannot decrypt is dropped and the request retried once", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  proxy.fake.enqueue(replies.status(400, REFUSAL));
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const response = await client.responses.create({
    model: "gpt-5.4",
    store: false,
    input: [
      { role: "user", content: "hi" },
      { type: "reasoning", id: "rs_1", encrypted_content: "gAAAA-other-account", summary: [] },
      { role: "assistant", content: "hello" },
      { role: "user", content: "again" },
    ],
  });
  assertEquals(response.output_text, "Echo: again");
  assertEquals(proxy.fake.calls.length, 2);
  const first = proxy.fake.calls[0].body!.input as { type: string }[];
  assertEquals(first.map((i) => i.type), ["message", "reasoning", "message", "message"]);
  assertEquals(proxy.fake.calls[1].body!.input, [
    userItem("hi"),
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "hello" }] },
    userItem("again"),
  ]);
});

Deno.test("responses: the same refusal twice reaches the client", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  proxy.fake.enqueue(replies.status(400, REFUSAL), replies.status(400, REFUSAL));
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const input: OpenAI.Responses.ResponseInput = [
    { role: "user", content: "hi" },
    { type: "reasoning", id: "rs_1", encrypted_content: "gAAAA-x", summary: [] },
    { role: "user", content: "again" },
  ];
  const error = await client.responses.create({ model: "gpt-5.4", store: false, input })
    .catch((e) => e);
  assertEquals(error instanceof OpenAI.BadRequestError, true);
  assertEquals(error.code, "invalid_encrypted_content");
  assertEquals(proxy.fake.calls.length, 2);
});

Deno.test("responses: the refusal with no reasoning in the input is not retried", async () => {
  await using proxy = await startProxy({ configYaml: PASSTHROUGH_CONFIG });
  proxy.fake.enqueue(replies.status(400, REFUSAL));
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", input: "hi" }),
  });
  assertEquals(res.status, 400);
  assertEquals((await res.json()).error.code, "invalid_encrypted_content");
  assertEquals(proxy.fake.calls.length, 1);
});
