/**
 * Stage 3 of 5: codexgate's request model + the effective capabilities → the
 * exact body the Codex backend accepts (docs/backend-protocol.md#request-body).
 * Pure: no I/O.
 *
 * One translation for every wire. With `codex_passthrough` a Responses
 * request already speaks the backend's wire, so it differs at three points
 * only: the client's own `instructions` go as they are, no Codex tools or
 * environment message are added, and its `include` list is kept.
 *
 * @module
 */
import { CODEX_TOOLS } from "../capabilities/codex_tools.ts";
import type { EnvironmentContext } from "../capabilities/environment_override.ts";
import type { Capabilities } from "../capabilities/schema.ts";
import type { ResolvedModel } from "../models/resolve_model.ts";
import { chooseEffort } from "../models/choose_effort.ts";
import type {
  CanonicalRequest,
  InputItem,
  MessageItem,
  ToolDefinition,
} from "../request/request_model.ts";
import { deriveConversationId } from "../translate/conversation_id.ts";
import { dropInstructionsEcho } from "../translate/instructions_echo.ts";
import { placeSystemPrompt } from "../translate/place_system_prompt.ts";
import {
  ADDITIONAL_TOOLS,
  additionalToolsItem,
  usesResponsesLite,
} from "../translate/responses_lite.ts";
import { sanitizeInput } from "../translate/sanitize_input.ts";
import { chooseServiceTier } from "../translate/service_tier.ts";
import { stableTool } from "../translate/stable_tool_schema.ts";
import { stripRejectedFields } from "../translate/strip_rejected_fields.ts";
import {
  buildToolNameMap,
  mentionedToolNames,
  renameCall,
  renameChoice,
  renameTool,
} from "../translate/tool_names.ts";
import type { UpstreamBody, UpstreamRequest } from "../upstream/upstream_request.ts";

/** What `translate` needs besides the request. */
export interface TranslateContext {
  capabilities: Readonly<Capabilities>;
  /**
   * The routed model: its backend, upstream slug, the effort its name implies
   * (`gpt-5.4-high`), its catalog entry and its base instructions.
   */
  model: Pick<
    ResolvedModel,
    "backend" | "slug" | "effort" | "entry" | "baseInstructions" | "fast"
  >;
  /** How the client's wire names the reasoning effort (for the 400 on one the model lacks). */
  effortParam: string;
  /** The request's own `<environment_context>` values (over the backend's). */
  environment?: EnvironmentContext;
  /** Fresh id for `x-client-request-id`. */
  requestId: string;
  /**
   * The conversation id stage 1 already derived (`conversationKey`), reused
   * instead of hashing the same text again; passthrough derives its own.
   */
  conversationKey?: string;
  /** The Codex agent's standard tools, for `tool_schema_mode` other than custom_only (default: CODEX_TOOLS). */
  codexTools?: readonly ToolDefinition[];
}

/** Always asked for: encrypted reasoning is what a later turn can replay. */
const ENCRYPTED_REASONING = "reasoning.encrypted_content";

/**
 * Builds the upstream request.
 *
 * @throws {ProxyError} 400 when the requested reasoning effort has no known meaning, or fast
 * mode is asked of a model that does not offer it.
 */
export function translate(request: CanonicalRequest, context: TranslateContext): UpstreamRequest {
  const { capabilities, model } = context;
  // An effort the model lacks is mapped to its nearest level; only an unknown one is refused
  // (docs/compatibility.md).
  const effort = chooseEffort(request.reasoning?.effort ?? model.effort, {
    model: model.entry,
    param: request.reasoning?.effort === undefined ? "model" : context.effortParam,
  });
  const passthrough = capabilities.codex_passthrough && request.dialect === "responses";
  const prompt = systemPrompt(request, context, passthrough);

  const input: InputItem[] = [];
  const environment = { ...model.backend.extra.codex.environment_context, ...context.environment };
  // With no values at all there is nothing to say: no empty message.
  if (
    !passthrough && capabilities.include_environment_context &&
    Object.values(environment).some((v) => v !== undefined)
  ) {
    input.push(userText(renderEnvironmentContext(environment)));
  }
  input.push(...prompt.leading);
  const conversation = prompt.placed
    ? dropInstructionsEcho(request.input, prompt.instructions)
    : request.input;
  for (const item of conversation) {
    // A system message left in the conversation goes as `developer`: the backend takes no `system`.
    input.push(isMessage(item) && item.role === "system" ? { ...item, role: "developer" } : item);
  }

  const sanitized = sanitizeInput(input, {
    resolveReference: (id) => request.referenced_items?.get(id),
  });

  const selected = passthrough
    ? request.tools
    : selectTools(request.tools, context.codexTools ?? CODEX_TOOLS, capabilities.tool_schema_mode);
  // Names the backend refuses go up as safe names; the answer maps them back
  // (docs/backend-protocol.md#tool-names).
  const toolNames = buildToolNameMap(
    mentionedToolNames(selected, sanitized.input, request.tool_choice),
  );
  // Cache-hint fields the backend refuses go, wherever a client put them
  // (docs/backend-protocol.md#dropped-parameters).
  const cleaned = stripRejectedFields(sanitized.input, selected);
  // The same tools give the same bytes on every turn (docs/backend-protocol.md#prompt-cache).
  const tools = cleaned.tools.map((t) => stableTool(renameTool(t, toolNames)));
  let upstreamInput = cleaned.input.map((item) => stableToolsItem(renameCall(item, toolNames)));
  const lite = usesResponsesLite(model.entry, upstreamInput);
  if (lite && tools.length > 0) upstreamInput = [additionalToolsItem(tools), ...upstreamInput];
  const toolChoice = renameChoice(request.tool_choice ?? "auto", toolNames);
  const reasoning = { ...request.reasoning };
  if (effort) reasoning.effort = effort.used;

  // Outside passthrough the seed is the client's system prompt, the one conversationKey hashed.
  const conversationId = request.prompt_cache_key ??
    (passthrough ? undefined : context.conversationKey) ??
    deriveConversationId(prompt.seed, request);
  const body: UpstreamBody = {
    model: model.slug,
    instructions: prompt.instructions,
    input: upstreamInput,
    tools: lite ? undefined : tools,
    tool_choice: toolChoice,
    parallel_tool_calls: lite ? false : request.parallel_tool_calls ?? true,
    reasoning: Object.keys(reasoning).length > 0 ? reasoning : undefined,
    store: false,
    stream: true,
    include: passthrough
      ? [...new Set([...(request.include ?? []), ENCRYPTED_REASONING])]
      : [ENCRYPTED_REASONING],
    prompt_cache_key: conversationId,
  };
  if (request.text && Object.keys(request.text).length > 0) body.text = request.text;
  if (request.client_metadata) body.client_metadata = request.client_metadata;
  if (body.reasoning === undefined) delete body.reasoning;
  if (body.tools === undefined) delete body.tools;
  const serviceTier = chooseServiceTier({
    requested: request.service_tier,
    fastSuffix: model.fast,
    capability: capabilities.service_tier,
    entry: model.entry,
    slug: model.slug,
  });
  if (serviceTier) body.service_tier = serviceTier;
  return {
    body,
    conversationId,
    requestId: context.requestId,
    notes: sanitized.notes,
    stripped: cleaned.stripped,
    responsesLite: lite,
    toolNames: toolNames.reverse,
    effort,
  };
}

/** Where the client's system prompt goes. */
interface SystemPrompt {
  /** The body's `instructions`. */
  instructions: string;
  /** Developer messages that go before the conversation. */
  leading: InputItem[];
  /** Whether `instructions` were placed by `prompt_mode` (then a leading echo of them is dropped). */
  placed: boolean;
  /** The text a conversation id is derived from, with the first user message. */
  seed: string;
}

function systemPrompt(
  request: CanonicalRequest,
  context: TranslateContext,
  passthrough: boolean,
): SystemPrompt {
  if (passthrough && request.instructions !== undefined) {
    // The client's own instructions go as they are; its system items travel as a developer message.
    const systemText = request.system.join("\n\n");
    return {
      instructions: request.instructions,
      leading: systemText ? [developerText(systemText)] : [],
      placed: false,
      seed: [request.instructions, systemText].join("\n\n"),
    };
  }
  const clientSystem = [...(request.instructions ? [request.instructions] : []), ...request.system]
    .filter((s) => s.trim() !== "")
    .join("\n\n");
  // The Codex CLI's shape (passthrough without instructions): its first developer message is the
  // base instructions, which move into `instructions` (docs/backend-protocol.md).
  const { instructions, leadingDeveloper } = placeSystemPrompt(
    clientSystem,
    context.model.baseInstructions,
    context.capabilities.prompt_mode,
  );
  return {
    instructions,
    leading: leadingDeveloper ? [developerText(leadingDeveloper)] : [],
    placed: true,
    seed: passthrough ? [instructions, clientSystem].join("\n\n") : clientSystem,
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

/** A client's own `additional_tools` item with its tools in stable order too. */
function stableToolsItem(item: InputItem): InputItem {
  if (item.type !== ADDITIONAL_TOOLS || !Array.isArray(item.tools)) return item;
  return { ...item, tools: (item.tools as ToolDefinition[]).map(stableTool) };
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
