/**
 * The fake must be faithful: the real `npm:openai` Responses stream parser
 * must understand what it emits, and it must refuse what the backend refuses.
 */
import OpenAI from "openai";
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { replies, startFakeCodex } from "./support/fake_codex.ts";
import { ScriptBuilder } from "./support/fake_script.ts";
import { makeTokenSet } from "./support/tokens.ts";

async function setup() {
  const fake = await startFakeCodex();
  const tokens = makeTokenSet();
  fake.accept(tokens);
  const client = new OpenAI({
    baseURL: fake.baseUrl,
    apiKey: tokens.access_token,
    defaultHeaders: { "chatgpt-account-id": tokens.account_id, accept: "text/event-stream" },
  });
  return { fake, tokens, client };
}

Deno.test("fake: npm:openai responses.create({stream:true}) parses the fake's SSE", async () => {
  const { fake, client } = await setup();
  try {
    fake.enqueue({
      kind: "events",
      events: new ScriptBuilder().reasoning(["Thinking."]).text("Hi there", { chunks: 3 })
        .toolCall("lookup", '{"q":"x"}', { fragments: 3 }).completed(),
    });
    const stream = await client.responses.create({
      model: "gpt-5.4",
      instructions: "x",
      input: [{ role: "user", content: "hello" }],
      store: false,
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let args = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.function_call_arguments.delta") args += event.delta;
    }
    assertEquals(text, "Hi there");
    assertEquals(args, '{"q":"x"}');
    assertEquals(types[0], "response.created");
    assertEquals(types.at(-1), "response.completed");
    assert(types.includes("response.reasoning_summary_text.delta"));
  } finally {
    await fake.close();
  }
});

Deno.test("fake: refuses what the backend refuses", async () => {
  const { fake, tokens } = await setup();
  try {
    const send = (body: Record<string, unknown>, token = tokens.access_token) =>
      fetch(`${fake.baseUrl}/responses`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "chatgpt-account-id": tokens.account_id,
          accept: "text/event-stream",
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const ok = { model: "gpt-5.4", instructions: "x", input: [], store: false, stream: true };
    assertEquals((await send(ok)).status, 200);
    const temp = await send({ ...ok, temperature: 1 });
    assertEquals(temp.status, 400);
    assertStringIncludes(temp.text, "Unsupported parameter: temperature");
    assertStringIncludes(
      (await send({ ...ok, instructions: "" })).text,
      "Instructions are required",
    );
    assertStringIncludes((await send({ ...ok, store: true })).text, "Store must be set to false");
    assertStringIncludes((await send({ ...ok, stream: false })).text, "Stream must be set to true");
    const withId = await send({
      ...ok,
      input: [{
        type: "message",
        id: "msg_1",
        role: "user",
        content: [{ type: "input_text", text: "x" }],
      }],
    });
    assertStringIncludes(withId.text, "Items are not persisted when `store` is set to false");
    const orphan = await send({
      ...ok,
      input: [{ type: "function_call_output", call_id: "c1", output: "x" }],
    });
    assertStringIncludes(orphan.text, "No tool call found for function call output");
    assertEquals((await send(ok, "bogus")).status, 401);
    fake.enqueue(replies.usageLimit(60));
    const limited = await send(ok);
    assertEquals(limited.status, 429);
    assertStringIncludes(limited.text, "usage_limit_reached");
  } finally {
    await fake.close();
  }
});

Deno.test("fake: single-use refresh tokens", async () => {
  const { fake, tokens } = await setup();
  try {
    const refresh = () =>
      fetch(fake.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_id: "app_x",
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token,
          scope: "openid profile email",
        }),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const first = await refresh();
    assertEquals(first.status, 200);
    assert(first.json.access_token);
    const second = await refresh();
    assertEquals(second.status, 401);
    assertEquals(second.json.error.code, "refresh_token_reused");
    assertEquals(fake.tokenCalls.length, 2);
  } finally {
    await fake.close();
  }
});
