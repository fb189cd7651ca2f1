/**
 * Stage 3 of 5: codexgate's request model + the effective capabilities → the
 * exact body the Codex backend accepts (spec §4). Pure: no I/O.
 *
 * @module
 */
import type { Capabilities } from "../capabilities/schema.ts";
import { deriveConversationId } from "../translate/conversation_id.ts";
import { placeSystemPrompt } from "../translate/place_system_prompt.ts";
import type { EnvironmentContext } from "../capabilities/environment_override.ts";
import type {
  CanonicalRequest,
  InputItem,
  MessageItem,
  ToolDefinition,
} from "../request/request_model.ts";
import { dropInstructionsEcho } from "../translate/instructions_echo.ts";
import { sanitizeInput } from "../translate/sanitize_input.ts";
import {
  buildToolNameMap,
  mentionedToolNames,
  renameCall,
  renameChoice,
  renameTool,
} from "../translate/tool_names.ts";
import { CODEX_TOOLS } from "../capabilities/codex_tools.ts";
import { validateEffort } from "../models/validate_effort.ts";
import type { TranslateContext } from "./translate_context.ts";
import { translatePassthrough } from "./translate_passthrough.ts";
import type { UpstreamBody, UpstreamRequest } from "../upstream/upstream_request.ts";

export type { TranslateContext } from "./translate_context.ts";

/** Builds the upstream request. */
export function translate(request: CanonicalRequest, context: TranslateContext): UpstreamRequest {
  const { capabilities, model } = context;
  validateEffort(request.reasoning?.effort ?? model.effort, {
    model: model.entry,
    param: context.effortParam,
  });
  if (capabilities.codex_passthrough && request.dialect === "responses") {
    return translatePassthrough(request, context);
  }
  const clientSystem = [...(request.instructions ? [request.instructions] : []), ...request.system]
    .filter((s) => s.trim() !== "")
    .join("\n\n");
  const { instructions, leadingDeveloper } = placeSystemPrompt(
    clientSystem,
    model.baseInstructions,
    capabilities.prompt_mode,
  );

  const input: InputItem[] = [];
  const environment = { ...model.backend.extra.codex.environment_context, ...context.environment };
  // With no values at all there is nothing to say: no empty message.
  if (
    capabilities.include_environment_context &&
    Object.values(environment).some((v) => v !== undefined)
  ) {
    input.push(userText(renderEnvironmentContext(environment)));
  }
  if (leadingDeveloper) input.push(developerText(leadingDeveloper));
  for (const item of dropInstructionsEcho(request.input, instructions)) {
    // A system message left in the conversation goes as `developer`: the backend takes no `system`.
    input.push(isMessage(item) && item.role === "system" ? { ...item, role: "developer" } : item);
  }

  const sanitized = sanitizeInput(input, {
    resolveReference: (id) => request.referenced_items?.get(id),
  });

  const selected = selectTools(
    request.tools,
    context.codexTools ?? CODEX_TOOLS,
    capabilities.tool_schema_mode,
  );
  // Names the backend refuses go up as safe names; the answer maps them back (spec §4).
  const toolNames = buildToolNameMap(
    mentionedToolNames(selected, sanitized.input, request.tool_choice),
  );
  const tools = selected.map((t) => renameTool(t, toolNames));
  const upstreamInput = sanitized.input.map((item) => renameCall(item, toolNames));
  const toolChoice = renameChoice(request.tool_choice ?? "auto", toolNames);
  const reasoning = { ...request.reasoning };
  if (reasoning.effort === undefined && model.effort) reasoning.effort = model.effort;

  const conversationId = request.prompt_cache_key ?? deriveConversationId(clientSystem, request);
  const body: UpstreamBody = {
    model: model.slug,
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
