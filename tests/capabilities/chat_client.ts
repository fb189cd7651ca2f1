/**
 * What a Chat Completions client saw, collected the same way from a streamed
 * and a non-streamed answer (npm:openai), so tests can assert both at once.
 *
 * @module
 */
import OpenAI from "openai";

/** A tool call as the client assembled it. */
export interface SeenCall {
  id: string;
  name: string;
  arguments: string;
}

/** One answer as the client saw it. */
export interface SeenAnswer {
  content: string;
  toolCalls: SeenCall[];
  finishReason: string | null;
  /** Streaming only: how many chunks carried argument text, per call index. */
  argumentFragments: number[];
  /** Responses only: the `model` of the final response object. */
  model?: string;
}

/** A chat body plus the SDK's extra headers/body. */
export interface ChatCall {
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Sends the request without streaming. */
export async function chatOnce(url: string, call: ChatCall): Promise<SeenAnswer> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });
  const completion = await client.chat.completions.create(
    { ...call.body, stream: false } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
    { headers: call.headers },
  );
  const message = completion.choices[0].message;
  return {
    content: message.content ?? "",
    toolCalls: (message.tool_calls ?? []).map((c) => {
      if (c.type !== "function") throw new Error(`unexpected tool call type ${c.type}`);
      return { id: c.id, name: c.function.name, arguments: c.function.arguments };
    }),
    finishReason: completion.choices[0].finish_reason,
    argumentFragments: [],
  };
}

/** Sends the request streaming and assembles the chunks. */
export async function chatStream(url: string, call: ChatCall): Promise<SeenAnswer> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });
  const stream = await client.chat.completions.create(
    { ...call.body, stream: true } as unknown as OpenAI.ChatCompletionCreateParamsStreaming,
    { headers: call.headers },
  );
  let content = "";
  let finishReason: string | null = null;
  const calls: SeenCall[] = [];
  const fragments: number[] = [];
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    content += choice.delta.content ?? "";
    for (const tc of choice.delta.tool_calls ?? []) {
      calls[tc.index] ??= { id: "", name: "", arguments: "" };
      fragments[tc.index] ??= 0;
      if (tc.id) calls[tc.index].id = tc.id;
      if (tc.function?.name) calls[tc.index].name += tc.function.name;
      if (tc.function?.arguments) {
        calls[tc.index].arguments += tc.function.arguments;
        fragments[tc.index]++;
      }
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  return { content, toolCalls: calls, finishReason, argumentFragments: fragments };
}
