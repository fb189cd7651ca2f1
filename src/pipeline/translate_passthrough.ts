/**
 * Stage 3 of 5 for a `/v1/responses` request with `codex_passthrough: true`:
 * the client's own body, changed only where the backend requires it (spec §4):
 * allow-listed fields only, `store: false`, `stream: true`, `instructions`
 * filled per `prompt_mode` when the client sent none, `system` items placed,
 * tool names the backend refuses mapped to safe ones, and the input
 * sanitised. Pure: no I/O.
 *
 * @module
 */
import { dropInstructionsEcho } from "../translate/instructions_echo.ts";
import type { CanonicalRequest, InputItem } from "../request/request_model.ts";
import { sanitizeInput } from "../translate/sanitize_input.ts";
import type { UpstreamBody, UpstreamRequest } from "../upstream/upstream_request.ts";
import { deriveConversationId } from "../translate/conversation_id.ts";
import { placeSystemPrompt } from "../translate/place_system_prompt.ts";
import {
  buildToolNameMap,
  mentionedToolNames,
  renameCall,
  renameChoice,
  renameTool,
} from "../translate/tool_names.ts";
import type { TranslateContext } from "./translate_context.ts";

const ENCRYPTED_REASONING = "reasoning.encrypted_content";

/** Builds the upstream request from a Responses request, as close to it as the backend allows. */
export function translatePassthrough(
  request: CanonicalRequest,
  context: TranslateContext,
): UpstreamRequest {
  const base = context.model.baseInstructions;
  const systemText = request.system.join("\n\n");
  let instructions: string;
  let input: InputItem[] = request.input.map(systemToDeveloper);
  if (request.instructions !== undefined) {
    instructions = request.instructions;
    if (systemText) input.unshift(developerText(systemText));
  } else {
    // The Codex CLI's shape: no instructions, and its first developer message is the
    // base instructions; that message moves into `instructions` (spec §10).
    const placed = placeSystemPrompt(systemText, base, context.capabilities.prompt_mode);
    instructions = placed.instructions;
    input = dropInstructionsEcho(input, instructions);
    if (placed.leadingDeveloper) input.unshift(developerText(placed.leadingDeveloper));
  }
  const sanitized = sanitizeInput(input, {
    resolveReference: (id) => request.referenced_items?.get(id),
  });
  // Names the backend refuses go up as safe names and are mapped back in the answer.
  const names = buildToolNameMap(
    mentionedToolNames(request.tools, sanitized.input, request.tool_choice),
  );

  const conversationId = request.prompt_cache_key ??
    deriveConversationId([instructions, systemText].join("\n\n"), request);
  const body: UpstreamBody = {
    model: context.model.slug,
    instructions,
    input: sanitized.input.map((item) => renameCall(item, names)),
    tools: request.tools.map((tool) => renameTool(tool, names)),
    tool_choice: renameChoice(request.tool_choice ?? "auto", names),
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    store: false,
    stream: true,
    include: [...new Set([...(request.include ?? []), ENCRYPTED_REASONING])],
    prompt_cache_key: conversationId,
  };
  const reasoning = { ...request.reasoning };
  if (reasoning.effort === undefined && context.model.effort) {
    reasoning.effort = context.model.effort;
  }
  if (Object.keys(reasoning).length > 0) body.reasoning = reasoning;
  if (request.text && Object.keys(request.text).length > 0) body.text = request.text;
  if (request.client_metadata) body.client_metadata = request.client_metadata;
  return {
    body,
    conversationId,
    requestId: context.requestId,
    notes: sanitized.notes,
    toolNames: names.reverse,
  };
}

function systemToDeveloper(item: InputItem): InputItem {
  // The backend takes no `system` role; a later system message travels as developer.
  return item.type === "message" && (item as { role?: unknown }).role === "system"
    ? { ...item, role: "developer" } as InputItem
    : item;
}

function developerText(text: string): InputItem {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}
