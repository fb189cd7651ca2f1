/**
 * An accumulated backend response → one `chat.completion` object.
 *
 * @module
 */
import { messageText, reasoningText } from "../../core/response_accumulator.ts";
import type { AccumulatedResponse } from "../../core/response_accumulator.ts";
import type { ResponseContext } from "../frontend.ts";
import { mapFinishReason } from "./map_finish_reason.ts";
import { mapChatUsage } from "./map_usage.ts";

/** Renders the non-streaming Chat Completions answer. */
export function renderChatResponse(
  result: AccumulatedResponse,
  context: ResponseContext,
): Record<string, unknown> {
  let text = "";
  const reasoning: string[] = [];
  const toolCalls: Record<string, unknown>[] = [];
  let encrypted: string | undefined;
  for (const item of result.output) {
    if (item.type === "message") text += messageText(item);
    else if (item.type === "reasoning") {
      const summary = reasoningText(item);
      if (summary) reasoning.push(summary);
      if (item.encrypted_content) encrypted = item.encrypted_content;
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
  const message: Record<string, unknown> = {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    refusal: null,
  };
  if (reasoning.length > 0) message[context.reasoningField] = reasoning.join("\n\n");
  if (encrypted) message.reasoning_encrypted_content = encrypted;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: `chatcmpl-${context.requestId}`,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [{
      index: 0,
      message,
      logprobs: null,
      finish_reason: mapFinishReason({
        status: result.outcome,
        incompleteReason: result.incompleteReason,
        sawToolCall: toolCalls.length > 0,
      }),
    }],
    usage: mapChatUsage(result.usage),
  };
}
