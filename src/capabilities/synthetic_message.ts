/**
 * Builds the backend events of an assistant message that codexgate writes
 * itself (a reactor's refusal, a tool call rendered as text), shaped exactly
 * like the backend's own so every frontend and the accumulator take them.
 *
 * @module
 */
import type { UpstreamEvent, UpstreamItem } from "../upstream/events.ts";

/** `output_item.added` + `content_part.added` of a new message item. */
export function messageStartEvents(id: string, outputIndex: number | undefined): UpstreamEvent[] {
  return [
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { id, type: "message", status: "in_progress", role: "assistant", content: [] },
    },
    {
      type: "response.content_part.added",
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    },
  ];
}

/** One `output_text.delta`. */
export function textDeltaEvent(
  id: string,
  outputIndex: number | undefined,
  delta: string,
): UpstreamEvent {
  return {
    type: "response.output_text.delta",
    item_id: id,
    output_index: outputIndex,
    content_index: 0,
    delta,
    logprobs: [],
  };
}

/** The finished message item. */
export function messageItem(id: string, text: string): UpstreamItem {
  return {
    id,
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [] }],
  };
}

/** `output_text.done` + `content_part.done` + `output_item.done`. */
export function messageEndEvents(
  id: string,
  outputIndex: number | undefined,
  text: string,
): UpstreamEvent[] {
  const item = messageItem(id, text);
  return [
    {
      type: "response.output_text.done",
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      text,
      logprobs: [],
    },
    {
      type: "response.content_part.done",
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      part: item.content![0],
    },
    { type: "response.output_item.done", output_index: outputIndex, item },
  ];
}

/** A whole message in one go: start, one delta, end. */
export function wholeMessageEvents(
  id: string,
  outputIndex: number | undefined,
  text: string,
): UpstreamEvent[] {
  return [
    ...messageStartEvents(id, outputIndex),
    textDeltaEvent(id, outputIndex, text),
    ...messageEndEvents(id, outputIndex, text),
  ];
}

/** Whether an item is a tool call codexgate can hold, rewrite or render. */
export function isCallItem(item: UpstreamItem | undefined): item is UpstreamItem {
  return item?.type === "function_call" || item?.type === "custom_tool_call";
}

/** The key of an item's events: its id, else its output index. */
export function itemKey(id: string | undefined, outputIndex: number | undefined): string {
  return id ?? `#${outputIndex ?? 0}`;
}
