/**
 * What a Responses client (npm:openai `responses.create`) saw, in the same
 * shape as the Chat Completions helper so the capability table applies to both.
 *
 * @module
 */
import OpenAI from "openai";
import type { ChatCall, SeenAnswer, SeenCall } from "./chat_client.ts";

type Output = OpenAI.Responses.ResponseOutputItem;

function seenFrom(output: Output[], model: string, fragments: number[]): SeenAnswer {
  let content = "";
  const toolCalls: SeenCall[] = [];
  for (const item of output) {
    if (item.type === "message") {
      for (const part of item.content) if (part.type === "output_text") content += part.text;
    } else if (item.type === "function_call") {
      toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
    }
  }
  // Responses has no finish_reason; a call in the output is what chat calls tool_calls.
  const finishReason = toolCalls.length > 0 ? "tool_calls" : "stop";
  return { content, toolCalls, finishReason, argumentFragments: fragments, model };
}

/** Sends the request without streaming. */
export async function responsesOnce(url: string, call: ChatCall): Promise<SeenAnswer> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });
  const response = await client.responses.create(
    { ...call.body, stream: false } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming,
    { headers: call.headers },
  );
  return seenFrom(response.output, response.model, []);
}

/**
 * Sends the request streaming. The text is assembled from the deltas, and
 * must agree with the final response object, which gives the calls.
 */
export async function responsesStream(url: string, call: ChatCall): Promise<SeenAnswer> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });
  const stream = await client.responses.create(
    { ...call.body, stream: true } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming,
    { headers: call.headers },
  );
  let text = "";
  const fragments = new Map<string, number>();
  let final: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.function_call_arguments.delta") {
      fragments.set(event.item_id, (fragments.get(event.item_id) ?? 0) + 1);
    }
    if (event.type === "response.completed") final = event.response;
  }
  if (!final) throw new Error("the stream ended without response.completed");
  const seen = seenFrom(final.output, final.model, [...fragments.values()]);
  if (seen.content !== text) {
    throw new Error(
      `streamed text ${JSON.stringify(text)} ≠ final ${JSON.stringify(seen.content)}`,
    );
  }
  return seen;
}
