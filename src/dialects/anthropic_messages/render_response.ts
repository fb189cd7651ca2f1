/**
 * An accumulated backend response → one Anthropic `message` object.
 *
 * @module
 */
import type { AccumulatedResponse } from "../../upstream/response_accumulator.ts";
import type { UpstreamItem } from "../../upstream/events.ts";
import type { ResponseContext } from "../frontend.ts";
import { mapStopReason } from "./map_stop_reason.ts";
import { mapAnthropicUsage } from "./map_usage.ts";
import { cutAtStopSequence } from "../stop_sequence_cutter.ts";

/** The message id for a request: `msg_` + the request id without dashes. */
export function messageId(requestId: string): string {
  return `msg_${requestId.replace(/-/g, "")}`;
}

/** Whether the client turned thinking on (then reasoning comes back as thinking blocks). */
export function thinkingRequested(context: ResponseContext): boolean {
  return context.request.reasoning?.summary !== undefined;
}

/** A tool call's arguments as the object Anthropic's `input` must be. */
export function toolInput(args: string | undefined): Record<string, unknown> {
  try {
    const parsed = JSON.parse(args || "{}");
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** Renders the non-streaming Messages answer. */
export function renderAnthropicResponse(
  result: AccumulatedResponse,
  context: ResponseContext,
): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  const thinking = thinkingRequested(context);
  const stops = context.request.stop ?? [];
  let sawToolUse = false;
  let sawRefusal = false;
  let stopSequence: string | undefined;
  for (const item of result.output) {
    if (item.type === "reasoning") {
      if (thinking) {
        const block = thinkingBlock(item);
        if (block) content.push(block);
      }
    } else if (item.type === "message") {
      const { text, refusal } = messageContent(item);
      sawRefusal ||= refusal;
      const cut = cutAtStopSequence(text, stops);
      if (cut.text !== "") content.push({ type: "text", text: cut.text });
      if (cut.matched !== undefined) {
        stopSequence = cut.matched;
        break;
      }
    } else if (item.type === "function_call" || item.type === "custom_tool_call") {
      sawToolUse = true;
      content.push({
        type: "tool_use",
        id: item.call_id,
        name: context.toolNameFromUpstream(item.name ?? ""),
        input: item.type === "function_call" ? toolInput(item.arguments) : { input: item.input },
      });
    }
  }
  return {
    id: messageId(context.requestId),
    type: "message",
    role: "assistant",
    model: context.model,
    content,
    stop_reason: mapStopReason({
      status: result.outcome,
      incompleteReason: result.incompleteReason,
      sawToolUse,
      sawRefusal,
      stopSequence,
    }),
    stop_sequence: stopSequence ?? null,
    usage: mapAnthropicUsage(result.usage),
  };
}

/** A reasoning item → `thinking` (summary + signature) or `redacted_thinking` (no summary). */
function thinkingBlock(item: UpstreamItem): Record<string, unknown> | undefined {
  const summary = (item.summary ?? []).map((s) => s.text).join("\n\n");
  const encrypted = item.encrypted_content ?? "";
  if (summary !== "") return { type: "thinking", thinking: summary, signature: encrypted };
  if (encrypted !== "") return { type: "redacted_thinking", data: encrypted };
  return undefined;
}

function messageContent(item: UpstreamItem): { text: string; refusal: boolean } {
  let text = "";
  let refusal = false;
  for (const part of item.content ?? []) {
    if (part.type === "output_text") text += part.text ?? "";
    else if (part.type === "refusal") {
      text += String(part.refusal ?? "");
      refusal = true;
    }
  }
  return { text, refusal };
}
