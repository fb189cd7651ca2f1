import { assert, assertEquals } from "../support/assert.ts";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { startProxy } from "../support/harness.ts";
import { BASE_INSTRUCTIONS, developerItem, MODES, userItem } from "./support.ts";

for (const mode of MODES) {
  Deno.test(`ai sdk responses provider (${mode.name}): streamText with a system prompt`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const provider = createOpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const result = streamText({
      model: provider.responses("gpt-5.4"),
      system: "Be brief.",
      prompt: "hello there",
      maxOutputTokens: 200,
    });
    assertEquals(await result.text, "Echo: hello there");
    assertEquals((await result.usage).inputTokens, 12);
    const body = proxy.fake.calls[0].body!;
    assertEquals(body.instructions, BASE_INSTRUCTIONS);
    assertEquals(body.input, [developerItem("Be brief."), userItem("hello there")]);
    assert(!("max_output_tokens" in body));
  });

  Deno.test(`ai sdk responses provider (${mode.name}): a tool round trip in two steps`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const provider = createOpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const seen: unknown[] = [];
    const result = await generateText({
      model: provider.responses("gpt-5.4"),
      prompt: "CALL_TOOL=get_weather",
      stopWhen: stepCountIs(3),
      tools: {
        get_weather: tool({
          description: "Weather",
          inputSchema: jsonSchema<{ input: string }>({
            type: "object",
            properties: { input: { type: "string" } },
            required: ["input"],
            additionalProperties: false,
          }),
          execute: (args) => {
            seen.push(args);
            return Promise.resolve("sunny");
          },
        }),
      },
    });
    assertEquals(seen, [{ input: "x" }]);
    assertEquals(result.text, "Tool said: sunny");
    assertEquals(proxy.fake.calls.length, 2);
    const input = proxy.fake.calls[1].body!.input as Record<string, unknown>[];
    const callId = input[1]?.call_id;
    assert(typeof callId === "string" && callId.startsWith("call_"));
    assertEquals(input, [
      userItem("CALL_TOOL=get_weather"),
      { type: "function_call", call_id: callId, name: "get_weather", arguments: '{"input":"x"}' },
      { type: "function_call_output", call_id: callId, output: "sunny" },
    ]);
  });
}
