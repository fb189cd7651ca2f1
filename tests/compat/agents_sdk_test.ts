/**
 * The OpenAI Agents SDK with its default settings: for gpt-5.4 it sends
 * `reasoning.effort: "none"`, which the backend refuses for that model.
 * An Agent with a function tool runs to its final answer over both APIs.
 * Tracing is off, so nothing leaves the machine.
 */
// A test-only client: kept out of deno.json's imports, which the running proxy uses.
// deno-lint-ignore no-import-prefix
import * as agents from "npm:@openai/agents@^0.20.0";
import { z } from "zod";
import { assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";

const { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } = agents;
setTracingDisabled(true);

const lookups: string[] = [];
const lookUp = tool({
  name: "look_up",
  description: "Looks a word up",
  parameters: z.object({ input: z.string() }),
  execute: ({ input }) => {
    lookups.push(input);
    return `definition of ${input}`;
  },
});

for (const useResponses of [true, false]) {
  const api = useResponses ? "Responses" : "Chat Completions";
  Deno.test(`agents sdk (${api}): an Agent with a function tool and default settings runs`, async () => {
    await using proxy = await startProxy();
    lookups.length = 0;
    const runner = new Runner({
      modelProvider: new OpenAIProvider({
        apiKey: "unused",
        baseURL: `${proxy.url}/v1`,
        useResponses,
      }),
      tracingDisabled: true,
    });
    const agent = new Agent({
      name: "Helper",
      instructions: "Use the tool when asked.",
      model: "gpt-5.4",
      tools: [lookUp],
    });
    // The fake backend calls the tool named in CALL_TOOL=…, then echoes its output.
    const result = await runner.run(agent, "CALL_TOOL=look_up");
    assertEquals(result.finalOutput, "Tool said: definition of x");
    assertEquals(lookups, ["x"]);
    assertEquals(proxy.fake.calls.length, 2);
    for (const call of proxy.fake.calls) {
      assertEquals((call.body!.reasoning as { effort?: string }).effort, "low");
    }
    const lines = proxy.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
    assertEquals(
      lines.map((l) => [l.status, l.reasoning_effort_requested, l.reasoning_effort]),
      [[200, "none", "low"], [200, "none", "low"]],
    );
  });
}
