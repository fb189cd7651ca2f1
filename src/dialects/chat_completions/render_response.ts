/**
 * An accumulated backend response → one `chat.completion` object.
 *
 * @module
 */
import { messageText, reasoningText } from "../../upstream/response_accumulator.ts";
import type { AccumulatedResponse } from "../../upstream/response_accumulator.ts";
import type { ResponseContext } from "../frontend.ts";
import { type ChatFinishReason, mapFinishReason } from "./map_finish_reason.ts";
import { mapChatUsage } from "./map_usage.ts";
import { REPLAY_FIELD, replayValue } from "./reasoning_replay.ts";
import { cutAtStopSequence } from "../stop_sequence_cutter.ts";

/** Renders the non-streaming Chat Completions answer. */
export function renderChatResponse(
  result: AccumulatedResponse,
  context: ResponseContext,
): Record<string, unknown> {
  let text = "";
  let refusal = "";
  const reasoning: string[] = [];
  let toolCalls: Record<string, unknown>[] = [];
  const encrypted: string[] = [];
  for (const item of result.output) {
    if (item.type === "message") {
      text += messageText(item);
      for (const part of item.content ?? []) {
        if (part.type === "refusal" && typeof part.refusal === "string") refusal += part.refusal;
      }
    } else if (item.type === "reasoning") {
      const summary = reasoningText(item);
      if (summary) reasoning.push(summary);
      if (item.encrypted_content) encrypted.push(item.encrypted_content);
    } else if (item.type === "function_call" || item.type === "custom_tool_call") {
      toolCalls.push({
        id: item.call_id,
        type: "function",
        function: {
          name: context.toolNameFromUpstream(item.name ?? ""),
          arguments: item.type === "function_call" ? item.arguments ?? "" : item.input ?? "",
        },
      });
    }
  }
  let finishReason: ChatFinishReason = mapFinishReason({
    status: result.outcome,
    incompleteReason: result.incompleteReason,
    sawToolCall: toolCalls.length > 0,
  });
  // `stop` emulation: the answer ends where the first stop string begins.
  const cut = cutAtStopSequence(text, context.request.stop ?? []);
  if (cut.matched !== undefined) {
    text = cut.text;
    toolCalls = [];
    finishReason = "stop";
  }
  const message: Record<string, unknown> = {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    refusal: refusal === "" ? null : refusal,
  };
  if (reasoning.length > 0) message[context.reasoningField] = reasoning.join("\n\n");
  const replay = replayValue(encrypted);
  if (replay !== undefined) message[REPLAY_FIELD] = replay;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: `chatcmpl-${context.requestId}`,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: mapChatUsage(result.usage),
  };
}
