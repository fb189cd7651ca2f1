/**
 * Makes an `input` item list acceptable to the Codex backend, which keeps no
 * items (`store: false`) and checks tool-call pairing
 * (docs/backend-protocol.md#input-repairs). Used by
 * `translate` for every frontend. Pure: every change it makes is reported in
 * `notes` so the caller can log it.
 *
 * @module
 */
import type { ContentPart, InputItem } from "../request/request_model.ts";

/** Options of {@link sanitizeInput}. */
export interface SanitizeInputOptions {
  /** Looks up an earlier item by its id, to resolve an `item_reference`. */
  resolveReference?: (id: string) => InputItem | undefined;
}

/** The cleaned items and what was changed, one sentence per change. */
export interface SanitizedInput {
  input: InputItem[];
  notes: string[];
}

/** Text of the output codexgate supplies for a call whose output is missing. */
export const MISSING_OUTPUT_TEXT = "No output was recorded for this tool call.";

const CALL_TYPES: Readonly<Record<string, string>> = {
  function_call: "function_call_output",
  custom_tool_call: "custom_tool_call_output",
};
const OUTPUT_TYPES = new Set(Object.values(CALL_TYPES));

/**
 * Strips item `id`s, resolves or drops `item_reference`s, drops reasoning
 * items without `encrypted_content`, turns a tool output with no earlier call
 * into a user message (so its content is not lost), and gives a call with no
 * output a placeholder output unless the call ends the input.
 */
export function sanitizeInput(
  items: readonly InputItem[],
  options: SanitizeInputOptions = {},
): SanitizedInput {
  const notes: string[] = [];
  const flat: InputItem[] = [];
  for (const item of items) {
    const resolved = resolveItem(item, options, notes);
    if (resolved) flat.push(resolved);
  }
  return { input: repairPairs(flat, notes), notes };
}

function resolveItem(
  item: InputItem,
  options: SanitizeInputOptions,
  notes: string[],
): InputItem | undefined {
  let current = item;
  if (current.type === "item_reference") {
    const id = typeof current.id === "string" ? current.id : "";
    const found = id ? options.resolveReference?.(id) : undefined;
    if (!found || found.type === "item_reference") {
      notes.push(`dropped item_reference ${JSON.stringify(id)}: no stored item has that id`);
      return undefined;
    }
    notes.push(`resolved item_reference ${id}`);
    current = found;
  }
  if (current.type === "reasoning") {
    const encrypted = (current as { encrypted_content?: unknown }).encrypted_content;
    if (typeof encrypted !== "string" || encrypted === "") {
      notes.push("dropped a reasoning item without encrypted_content");
      return undefined;
    }
  }
  if ("id" in current) {
    const { id: _id, ...rest } = current as { id?: unknown; [key: string]: unknown };
    return rest as InputItem;
  }
  return current;
}

function repairPairs(items: InputItem[], notes: string[]): InputItem[] {
  // Outputs that follow their call are the only ones the backend pairs up.
  const answered = new Set<string>();
  const earlierCalls = new Set<string>();
  for (const item of items) {
    if (item.type in CALL_TYPES) earlierCalls.add(callIdOf(item));
    else if (OUTPUT_TYPES.has(item.type) && earlierCalls.has(callIdOf(item))) {
      answered.add(callIdOf(item));
    }
  }
  const lastNonCall = findLastIndex(
    items,
    (i) => !(i.type in CALL_TYPES) && i.type !== "reasoning",
  );
  const callsSeen = new Set<string>();
  const out: InputItem[] = [];
  items.forEach((item, index) => {
    const callId = callIdOf(item);
    if (item.type in CALL_TYPES) {
      callsSeen.add(callId);
      out.push(item);
      // A call with no output is only allowed in the trailing run of calls.
      if (!answered.has(callId) && index < lastNonCall) {
        notes.push(`added a placeholder output for ${item.type} ${callId}, which had none`);
        out.push({ type: CALL_TYPES[item.type], call_id: callId, output: MISSING_OUTPUT_TEXT });
      }
      return;
    }
    if (OUTPUT_TYPES.has(item.type) && !callsSeen.has(callId)) {
      notes.push(`turned ${item.type} ${callId} into a user message: no earlier call has its id`);
      out.push(orphanOutputMessage(item, callId));
      return;
    }
    out.push(item);
  });
  return out;
}

function orphanOutputMessage(item: InputItem, callId: string): InputItem {
  const output = (item as { output?: unknown }).output;
  const header = `Output of tool call ${callId}:`;
  const content: ContentPart[] = Array.isArray(output)
    ? [{ type: "input_text", text: header }, ...(output as ContentPart[])]
    : [{
      type: "input_text",
      text: `${header}\n${typeof output === "string" ? output : JSON.stringify(output ?? "")}`,
    }];
  return { type: "message", role: "user", content };
}

function callIdOf(item: InputItem): string {
  const callId = (item as { call_id?: unknown }).call_id;
  return typeof callId === "string" ? callId : String(callId ?? "");
}

function findLastIndex<T>(list: readonly T[], predicate: (value: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (predicate(list[i])) return i;
  return -1;
}
