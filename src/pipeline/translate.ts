/**
 * Stage 3 of 5: codexgate's request model + the effective capabilities → the
 * exact body the Codex backend accepts (spec §4). Pure: no I/O.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Capabilities } from "../config/capabilities.ts";
import type { EnvironmentContext } from "../config/schema.ts";
import type {
  CanonicalRequest,
  CustomToolCallItem,
  FunctionCallItem,
  InputItem,
  MessageItem,
  ToolChoice,
  ToolDefinition,
} from "../core/request_model.ts";
import { dropInstructionsEcho } from "../core/instructions_echo.ts";
import { sanitizeInput } from "../core/sanitize_input.ts";
import { buildToolNameMap, type ToolNameMap } from "../core/tool_names.ts";
import { translatePassthrough } from "./translate_passthrough.ts";
import type { UpstreamBody, UpstreamRequest } from "../upstream/upstream_request.ts";

/** What `translate` needs besides the request. */
export interface TranslateContext {
  capabilities: Readonly<Capabilities>;
  /** Upstream model slug, after routing. */
  slug: string;
  /** Effort implied by the model name (`gpt-5.4-high`), used when the client set none. */
  effort?: string;
  /** The model's default Codex instructions (catalog, cache or our fallback). */
  baseInstructions: string;
  /** The Codex agent's standard tools, for `tool_schema_mode` other than custom_only. */
  codexTools: readonly ToolDefinition[];
  environmentContext: EnvironmentContext;
  /** Fresh id for `x-client-request-id`. */
  requestId: string;
  /** Finds a stored item by id, to resolve `item_reference` input items. */
  resolveItemReference?: (id: string) => InputItem | undefined;
}

/** Builds the upstream request. */
export function translate(request: CanonicalRequest, context: TranslateContext): UpstreamRequest {
  const { capabilities } = context;
  if (capabilities.codex_passthrough && request.dialect === "responses") {
    return translatePassthrough(request, context);
  }
  const clientSystem = [...(request.instructions ? [request.instructions] : []), ...request.system]
    .filter((s) => s.trim() !== "")
    .join("\n\n");
  const { instructions, leadingDeveloper } = placeSystemPrompt(
    clientSystem,
    context.baseInstructions,
    capabilities.prompt_mode,
  );

  const input: InputItem[] = [];
  // With no values at all there is nothing to say: no empty message.
  if (
    capabilities.include_environment_context &&
    Object.values(context.environmentContext).some((v) => v !== undefined)
  ) {
    input.push(userText(renderEnvironmentContext(context.environmentContext)));
  }
  if (leadingDeveloper) input.push(developerText(leadingDeveloper));
  for (const item of dropInstructionsEcho(request.input, instructions)) {
    // A system message left in the conversation goes as `developer`: the backend takes no `system`.
    input.push(isMessage(item) && item.role === "system" ? { ...item, role: "developer" } : item);
  }

  const sanitized = sanitizeInput(input, { resolveReference: context.resolveItemReference });

  const selected = selectTools(request.tools, context.codexTools, capabilities.tool_schema_mode);
  // Names the backend refuses go up as safe names; the answer maps them back (spec §4).
  const toolNames = buildToolNameMap(
    mentionedToolNames(selected, sanitized.input, request.tool_choice),
  );
  const tools = selected.map((t) => renameTool(t, toolNames));
  const upstreamInput = sanitized.input.map((item) => renameCall(item, toolNames));
  const toolChoice = renameChoice(request.tool_choice ?? "auto", toolNames);
  const reasoning = { ...request.reasoning };
  if (reasoning.effort === undefined && context.effort) reasoning.effort = context.effort;

  const conversationId = request.prompt_cache_key ?? deriveConversationId(clientSystem, request);
  const body: UpstreamBody = {
    model: context.slug,
    instructions,
    input: upstreamInput,
    tools,
    tool_choice: toolChoice,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    reasoning: Object.keys(reasoning).length > 0 ? reasoning : undefined,
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: conversationId,
  };
  if (request.text && Object.keys(request.text).length > 0) body.text = request.text;
  if (request.client_metadata) body.client_metadata = request.client_metadata;
  if (body.reasoning === undefined) delete body.reasoning;
  return {
    body,
    conversationId,
    requestId: context.requestId,
    notes: sanitized.notes,
    toolNames: toolNames.reverse,
  };
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

/** Where the client's system prompt goes under each `prompt_mode` (spec §9). */
export function placeSystemPrompt(
  clientSystem: string,
  baseInstructions: string,
  mode: Capabilities["prompt_mode"],
): { instructions: string; leadingDeveloper?: string } {
  switch (mode) {
    case "custom_only":
      return { instructions: clientSystem || baseInstructions };
    case "merge_custom":
      return {
        instructions: clientSystem ? `${baseInstructions}\n\n${clientSystem}` : baseInstructions,
      };
    case "codex_default":
      return { instructions: baseInstructions, leadingDeveloper: clientSystem || undefined };
  }
}

/** Chooses the tool list per `tool_schema_mode`; the client wins a name clash. */
export function selectTools(
  clientTools: readonly ToolDefinition[],
  codexTools: readonly ToolDefinition[],
  mode: Capabilities["tool_schema_mode"],
): ToolDefinition[] {
  if (mode === "custom_only") return [...clientTools];
  if (mode === "codex_default") return [...codexTools];
  const clientNames = new Set(clientTools.map((t) => t.name));
  return [...clientTools, ...codexTools.filter((t) => !clientNames.has(t.name))];
}

/** The `<environment_context>` message text, values only from config or the request. */
export function renderEnvironmentContext(values: EnvironmentContext): string {
  const lines = (["cwd", "approval_policy", "sandbox_mode", "network_access", "shell"] as const)
    .filter((k) => values[k] !== undefined)
    .map((k) => `  <${k}>${escapeXml(values[k]!)}</${k}>`);
  return `<environment_context>\n${lines.join("\n")}\n</environment_context>`;
}

/** A stable id for a conversation: hash of system prompt + first user message. */
export function deriveConversationId(system: string, request: CanonicalRequest): string {
  const firstUser = request.input.find((i) => isMessage(i) && i.role === "user") as
    | MessageItem
    | undefined;
  const hash = createHash("sha256")
    .update(system)
    .update("\u0000")
    .update(JSON.stringify(firstUser?.content ?? []))
    .digest("hex");
  // Shaped like a UUID, as the backend's own clients send.
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${
    hash.slice(20, 32)
  }`;
}

function isMessage(item: InputItem): item is MessageItem {
  return item.type === "message";
}

function userText(text: string): MessageItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

function developerText(text: string): MessageItem {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
