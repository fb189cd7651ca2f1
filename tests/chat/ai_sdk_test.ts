import { assert, assertEquals } from "../support/assert.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { upstreamBody, userItem } from "./_helpers.ts";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { isStepCount, jsonSchema, streamText, tool } from "ai";

Deno.test("chat via npm:ai + @ai-sdk/openai-compatible: reasoning, streamed tool call, tool result, answer", async () => {
  await using proxy = await startProxy();
  const args = JSON.stringify({ city: "Oslo" });
  proxy.fake.enqueue(
    {
      kind: "events",
      events: new ScriptBuilder()
        .reasoning(["I should look the weather up."], { encrypted: "gAAAA-ai" })
        .toolCall("weather", args, { callId: "call_ai_1", fragments: 3 })
        .completed(),
    },
    {
      kind: "events",
      events: new ScriptBuilder().text("Oslo: 4 °C and snowing.")
        .usage({ input_tokens: 90, cached_tokens: 64, output_tokens: 12, reasoning_tokens: 0 })
        .completed(),
    },
  );
  const provider = createOpenAICompatible({
    name: "codexgate",
    baseURL: `${proxy.url}/v1`,
    apiKey: "unused",
    includeUsage: true,
  });
  const executed: unknown[] = [];
  const result = streamText({
    model: provider("gpt-5.4"),
    prompt: "Weather in Oslo?",
    maxRetries: 0,
    tools: {
      weather: tool({
        description: "Weather for a city",
        inputSchema: jsonSchema<{ city: string }>({
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
          additionalProperties: false,
        }),
        execute: ({ city }) => {
          executed.push(city);
          return Promise.resolve(`4 °C and snowing in ${city}`);
        },
      }),
    },
    stopWhen: isStepCount(2),
  });
  let reasoning = "";
  const inputDeltas: string[] = [];
  let text = "";
  for await (const part of result.fullStream) {
    if (part.type === "reasoning-delta") reasoning += part.text;
    if (part.type === "tool-input-delta") inputDeltas.push(part.delta);
    if (part.type === "text-delta") text += part.text;
    if (part.type === "error") throw part.error;
  }
  assertEquals(reasoning, "I should look the weather up.");
  assert(inputDeltas.length >= 3, `tool input deltas: ${inputDeltas.length}`);
  assertEquals(inputDeltas.join(""), args);
  assertEquals(executed, ["Oslo"]);
  assertEquals(text, "Oslo: 4 °C and snowing.");
  // Usage over both steps: the fake's default 12/7, then 90/12.
  const usage = await result.usage;
  assertEquals([usage.inputTokens, usage.outputTokens], [102, 19]);

  assertEquals(proxy.fake.calls.length, 2);
  const tools = [{
    type: "function",
    name: "weather",
    description: "Weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    },
    strict: false,
  }];
  const first = proxy.fake.calls[0].body;
  assertEquals(first, upstreamBody(first, { input: [userItem("Weather in Oslo?")], tools }));
  const second = proxy.fake.calls[1].body;
  assertEquals(
    second,
    upstreamBody(second, {
      input: [
        userItem("Weather in Oslo?"),
        { type: "function_call", call_id: "call_ai_1", name: "weather", arguments: args },
        { type: "function_call_output", call_id: "call_ai_1", output: "4 °C and snowing in Oslo" },
      ],
      tools,
    }),
  );
});
