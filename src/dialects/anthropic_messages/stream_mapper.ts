/**
 * Backend events → Anthropic's stream: `message_start`, then per content
 * block `content_block_start` / `content_block_delta` / `content_block_stop`,
 * then `message_delta` (stop reason, usage) and `message_stop`.
 *
 * - text → a `text` block opened at its first delta (`text_delta`);
 * - a function call → a `tool_use` block opened when the call appears, its
 *   arguments passed on fragment by fragment (`input_json_delta`);
 * - reasoning (only when the client turned thinking on) → a `thinking` block
 *   (`thinking_delta` per summary delta, then the encrypted reasoning as one
 *   `signature_delta`), or a `redacted_thinking` block when there is no summary.
 *
 * All state lives in the mapper instance, one per request.
 *
 * @module
 */
import { eventFrame } from "../../sse/sse_format.ts";
import type { UpstreamEvent, UpstreamItem } from "../../upstream/events.ts";
import { mapUpstreamEventError } from "../../upstream/map_upstream_error.ts";
import type { ResponseContext, StreamMapper } from "../frontend.ts";
import { anthropicStreamError } from "./error_body.ts";
import { mapStopReason } from "./map_stop_reason.ts";
import { mapAnthropicUsage } from "./map_usage.ts";
import { messageId, thinkingRequested } from "./render_response.ts";
import { StopSequenceCutter } from "../stop_sequence_cutter.ts";

/** The `ping` frame. */
export const PING_FRAME: string = eventFrame("ping", '{"type":"ping"}');

type BlockKind = "text" | "thinking" | "tool_use";

interface OpenBlock {
  kind: BlockKind;
  index: number;
  /** Upstream item id the block belongs to. */
  itemId: string;
  /** Tool blocks: whether any argument fragment was sent. */
  sentArgs?: boolean;
}

/** Creates the Messages stream mapper for one response. */
export function createAnthropicStreamMapper(context: ResponseContext): StreamMapper {
  const thinking = thinkingRequested(context);
  const stops = context.request.stop ?? [];
  const frame = (type: string, payload: Record<string, unknown>) =>
    eventFrame(type, JSON.stringify({ type, ...payload }));
  let started = false;
  let finished = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  let sawToolUse = false;
  let sawRefusal = false;
  let stopSequence: string | undefined;
  let cutter: { itemId: string; cutter: StopSequenceCutter } | undefined;

  const start = (): string => {
    if (started) return "";
    started = true;
    return frame("message_start", {
      message: {
        id: messageId(context.requestId),
        type: "message",
        role: "assistant",
        model: context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // The backend reports usage only at the end; message_delta carries the real numbers.
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    }) + PING_FRAME;
  };

  const openBlock = (kind: BlockKind, itemId: string, block: Record<string, unknown>) => {
    const out = close();
    open = { kind, index: nextIndex++, itemId };
    return out + frame("content_block_start", { index: open.index, content_block: block });
  };

  const delta = (delta: Record<string, unknown>) =>
    open ? frame("content_block_delta", { index: open.index, delta }) : "";

  const close = (): string => {
    if (!open) return "";
    const out = frame("content_block_stop", { index: open.index });
    open = undefined;
    return out;
  };

  /** Sends text of a message item, opening its block at the first text that is sent. */
  const sendText = (itemId: string, piece: string): string => {
    if (!piece) return "";
    let out = "";
    if (open?.kind !== "text" || open.itemId !== itemId) {
      out += openBlock("text", itemId, { type: "text", text: "" });
    }
    return out + delta({ type: "text_delta", text: piece });
  };

  const text = (itemId: string, piece: string): string => {
    if (stops.length === 0) return sendText(itemId, piece);
    if (cutter?.itemId !== itemId) cutter = { itemId, cutter: new StopSequenceCutter(stops) };
    const cut = cutter.cutter.push(piece);
    let out = sendText(itemId, cut.text);
    if (cut.matched !== undefined) {
      stopSequence = cut.matched;
      out += close();
    }
    return out;
  };

  /** Sends the text a cutter held back, at the end of its item. */
  const flushText = (): string => {
    if (!cutter) return "";
    const { itemId } = cutter;
    const tail = cutter.cutter.flush();
    cutter = undefined;
    return sendText(itemId, tail);
  };

  const itemDone = (item: UpstreamItem): string => {
    const itemId = item.id ?? "";
    if (item.type === "message") {
      const out = flushText();
      return out + (open?.kind === "text" && open.itemId === itemId ? close() : "");
    }
    if (item.type === "reasoning") {
      if (!thinking) return "";
      const encrypted = item.encrypted_content ?? "";
      if (open?.kind === "thinking" && open.itemId === itemId) {
        return (encrypted ? delta({ type: "signature_delta", signature: encrypted }) : "") +
          close();
      }
      if (!encrypted) return "";
      return openBlock("thinking", itemId, { type: "redacted_thinking", data: encrypted }) +
        close();
    }
    if (item.type === "function_call" || item.type === "custom_tool_call") {
      if (open?.kind !== "tool_use" || open.itemId !== itemId) return "";
      const args = item.type === "function_call" ? item.arguments : item.input;
      // A call whose arguments never streamed still gets its input.
      const rest = !open.sentArgs && args
        ? delta({
          type: "input_json_delta",
          partial_json: item.type === "function_call" ? args : JSON.stringify({ input: args }),
        })
        : "";
      return rest + close();
    }
    return "";
  };

  const finish = (event: UpstreamEvent): string => {
    finished = true;
    const response = event.response;
    const out = start() + (stopSequence === undefined ? flushText() : "") + close();
    return out + frame("message_delta", {
      delta: {
        stop_reason: mapStopReason({
          status: event.type === "response.completed" ? "completed" : "incomplete",
          incompleteReason: response?.incomplete_details?.reason,
          sawToolUse,
          sawRefusal,
          stopSequence,
        }),
        stop_sequence: stopSequence ?? null,
      },
      usage: mapAnthropicUsage(response?.usage),
    }) + frame("message_stop", {});
  };

  return {
    map(event: UpstreamEvent): string {
      if (finished) return "";
      if (event.type === "response.failed" || event.type === "error") {
        finished = true;
        return anthropicStreamError(mapUpstreamEventError(event), context.requestId);
      }
      if (event.type === "response.completed" || event.type === "response.incomplete") {
        return finish(event);
      }
      // After a stop sequence, nothing more is sent until the end.
      if (stopSequence !== undefined) return start();
      const head = start();
      switch (event.type) {
        case "response.output_item.added": {
          const item = event.item;
          if (item?.type !== "function_call" && item?.type !== "custom_tool_call") return head;
          sawToolUse = true;
          const out = openBlock("tool_use", item.id ?? "", {
            type: "tool_use",
            id: item.call_id,
            name: context.toolNameFromUpstream(item.name ?? ""),
            input: {},
          });
          return head + out;
        }
        case "response.output_text.delta":
          return head + (event.delta ? text(event.item_id ?? "", event.delta) : "");
        case "response.refusal.delta":
          sawRefusal = true;
          return head + (event.delta ? text(event.item_id ?? "", event.delta) : "");
        case "response.reasoning_summary_text.delta": {
          if (!thinking || !event.delta) return head;
          const itemId = event.item_id ?? "";
          let out = head;
          if (open?.kind !== "thinking" || open.itemId !== itemId) {
            out += openBlock("thinking", itemId, { type: "thinking", thinking: "", signature: "" });
          }
          return out + delta({ type: "thinking_delta", thinking: event.delta });
        }
        case "response.reasoning_summary_part.added":
          // Separate summary parts the way the Codex CLI shows them.
          if (
            thinking && (event.summary_index ?? 0) > 0 && open?.kind === "thinking" &&
            open.itemId === event.item_id
          ) {
            return head + delta({ type: "thinking_delta", thinking: "\n\n" });
          }
          return head;
        case "response.function_call_arguments.delta":
        case "response.custom_tool_call_input.delta": {
          if (open?.kind !== "tool_use" || open.itemId !== event.item_id || !event.delta) {
            return head;
          }
          open.sentArgs = true;
          return head + delta({ type: "input_json_delta", partial_json: event.delta });
        }
        case "response.output_item.done":
          return head + (event.item ? itemDone(event.item) : "");
        default:
          return head;
      }
    },
    end: () => "",
  };
}
