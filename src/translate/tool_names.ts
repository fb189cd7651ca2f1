/**
 * Tool names the backend refuses (longer than 64 characters, or with
 * characters outside `^[a-zA-Z0-9_-]+$`, docs/backend-protocol.md#tool-names)
 * ↔ safe names it accepts.
 * A safe name depends only on the original name, so the same tool gets the
 * same upstream name on every turn of a conversation; answers are mapped back.
 *
 * @module
 */
import type {
  CustomToolCallItem,
  FunctionCallItem,
  InputItem,
  ToolChoice,
  ToolDefinition,
} from "../request/request_model.ts";
import { sha256Hex } from "../core/sha256.ts";

const VALID = /^[a-zA-Z0-9_-]+$/;
const MAX_LENGTH = 64;
const HASH_LENGTH = 8;

/** Both directions of one request's tool-name mapping. */
export interface ToolNameMap {
  /** The name sent upstream for a client name (unchanged when already valid). */
  toUpstream(name: string): string;
  /** The client's name for a name the backend used (unchanged when not mapped). */
  fromUpstream(name: string): string;
  /** Upstream name → client name, only for names that were changed. */
  readonly reverse: ReadonlyMap<string, string>;
}

/** Whether the backend accepts `name` as a tool name. */
export function isValidToolName(name: string): boolean {
  return name.length <= MAX_LENGTH && VALID.test(name);
}

/**
 * Builds the mapping for every tool name a request mentions (tool list,
 * `tool_choice`, earlier calls in the conversation).
 *
 * @example
 * ```ts
 * const names = buildToolNameMap(["mcp__server.read file"]);
 * names.toUpstream("mcp__server.read file"); // "mcp__server_read_file_1a2b3c4d"
 * ```
 */
export function buildToolNameMap(names: Iterable<string>): ToolNameMap {
  const all = [...new Set(names)];
  // Valid names are kept verbatim; a generated name never takes one of them.
  const taken = new Set(all.filter(isValidToolName));
  const forward = new Map<string, string>();
  const reverse = new Map<string, string>();
  for (const name of all) {
    if (isValidToolName(name)) continue;
    let safe = safeName(name, 0);
    for (let attempt = 1; taken.has(safe); attempt++) safe = safeName(name, attempt);
    taken.add(safe);
    forward.set(name, safe);
    reverse.set(safe, name);
  }
  return {
    toUpstream: (name) => forward.get(name) ?? name,
    fromUpstream: (name) => reverse.get(name) ?? name,
    reverse,
  };
}

/** `<sanitised prefix>_<8 hex of sha256(name[, attempt])>`, at most 64 characters. */
function safeName(name: string, attempt: number): string {
  const hash = sha256Hex(attempt === 0 ? name : `${name}\u0000${attempt}`).slice(0, HASH_LENGTH);
  const prefix = name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, MAX_LENGTH - HASH_LENGTH - 1);
  return `${prefix}_${hash}`;
}

/** Every tool name the request mentions: tools, earlier calls, the named tool_choice. */
export function mentionedToolNames(
  tools: readonly ToolDefinition[],
  input: readonly InputItem[],
  choice: ToolChoice | undefined,
): string[] {
  const names: string[] = [];
  for (const t of tools) if (typeof t.name === "string") names.push(t.name);
  for (const item of input) {
    if (isCall(item) && typeof item.name === "string") names.push(item.name);
  }
  if (typeof choice === "object" && typeof choice.name === "string") names.push(choice.name);
  return names;
}

function isCall(item: InputItem): item is FunctionCallItem | CustomToolCallItem {
  return item.type === "function_call" || item.type === "custom_tool_call";
}

/** A tool with its upstream (safe) name. */
export function renameTool(tool: ToolDefinition, names: ToolNameMap): ToolDefinition {
  if (typeof tool.name !== "string") return tool;
  const name = names.toUpstream(tool.name);
  return name === tool.name ? tool : { ...tool, name };
}

/** A tool call item with its upstream (safe) name. */
export function renameCall(item: InputItem, names: ToolNameMap): InputItem {
  if (!isCall(item) || typeof item.name !== "string") return item;
  const name = names.toUpstream(item.name);
  return name === item.name ? item : { ...item, name };
}

/** A named `tool_choice` with its upstream (safe) name. */
export function renameChoice(choice: ToolChoice, names: ToolNameMap): ToolChoice {
  if (typeof choice !== "object" || typeof choice.name !== "string") return choice;
  const name = names.toUpstream(choice.name);
  return name === choice.name ? choice : { ...choice, name };
}
