/**
 * Responses request (`POST /v1/responses`) → codexgate's request model.
 * Lenient on purpose: items and tools the backend knows pass through as the
 * client wrote them, so agents such as the Codex CLI and OpenCode are never
 * refused for something the backend would take
 * (docs/backend-protocol.md#the-allow-list, docs/clients.md#client-quirks).
 *
 * @module
 */
import { takeServiceTier } from "../../translate/service_tier.ts";
import type {
  CanonicalRequest,
  ContentPart,
  InputItem,
  ToolChoice,
  ToolDefinition,
} from "../../request/request_model.ts";
import { schemaFormatOfJsonObject } from "../../request/json_object_format.ts";
import { badRequest } from "../../errors.ts";

/** Parameters the backend refuses: accepted from the client, never forwarded. */
export const DROPPED_RESPONSES_PARAMS = [
  "max_output_tokens",
  "max_tool_calls",
  "temperature",
  "top_p",
  "top_logprobs",
  "truncation",
  "user",
  "metadata",
  "safety_identifier",
  "context_management",
  "prompt_cache_retention",
  "stream_options",
  "background",
] as const;

/** Tool types the backend accepts (the Codex CLI sends all of them). */
export const ACCEPTED_TOOL_TYPES: ReadonlySet<string> = new Set([
  "function",
  "custom",
  "namespace",
  "web_search",
  "local_shell",
]);

const KNOWN_FIELDS = new Set<string>([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "text",
  "include",
  "store",
  "stream",
  "previous_response_id",
  "prompt_cache_key",
  "client_metadata",
  "service_tier",
  ...DROPPED_RESPONSES_PARAMS,
]);

type Json = Record<string, unknown>;

/**
 * Parses a Responses body. `system` input items at the start become the
 * client's system prompt; everything else stays in `input` in order.
 *
 * @throws {ProxyError} 400 for a malformed request or a feature the proxy cannot offer.
 */
export function parseResponsesRequest(body: Json, headers: Headers): CanonicalRequest {
  if (typeof body.model !== "string" || body.model === "") {
    throw badRequest("`model` is required and must be a string", { param: "model" });
  }
  refuseUnsupported(body);
  const previous = optionalString(body.previous_response_id, "previous_response_id");
  if (body.input === undefined && previous === undefined) {
    throw badRequest("`input` is required: a string or an array of input items", {
      param: "input",
    });
  }
  const items = parseInput(body.input);
  const system: string[] = [];
  while (items.length > 0 && isSystemMessage(items[0])) {
    const text = messageText(items.shift()!);
    if (text.trim() !== "") system.push(text);
  }

  const dropped: string[] = DROPPED_RESPONSES_PARAMS.filter((k) => body[k] !== undefined);
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) dropped.push(key);
  const request: CanonicalRequest = {
    dialect: "responses",
    model: body.model,
    system,
    input: items,
    tools: parseTools(body.tools, dropped),
    stream: body.stream === true,
    dropped,
  };
  if (typeof body.top_logprobs === "number" && body.top_logprobs > 0) {
    request.ignored = ["top_logprobs"];
  }
  const instructions = optionalString(body.instructions, "instructions");
  if (instructions !== undefined && instructions.trim() !== "") {
    request.instructions = instructions;
  }
  const toolChoice = parseToolChoice(body.tool_choice);
  if (toolChoice !== undefined) request.tool_choice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") {
    request.parallel_tool_calls = body.parallel_tool_calls;
  }
  if (isObject(body.reasoning)) {
    const { effort, summary } = body.reasoning;
    const reasoning: CanonicalRequest["reasoning"] = {};
    if (typeof effort === "string") reasoning.effort = effort;
    if (typeof summary === "string") reasoning.summary = summary;
    if (Object.keys(reasoning).length > 0) request.reasoning = reasoning;
  }
  if (isObject(body.text)) {
    const text: NonNullable<CanonicalRequest["text"]> = {};
    if (typeof body.text.verbosity === "string") text.verbosity = body.text.verbosity;
    if (isObject(body.text.format) && body.text.format.type !== "text") {
      text.format = schemaFormatOfJsonObject(body.text.format) ?? body.text.format;
    }
    if (Object.keys(text).length > 0) request.text = text;
  }
  if (Array.isArray(body.include)) {
    request.include = body.include.filter((v): v is string => typeof v === "string");
  }
  if (typeof body.store === "boolean") request.store = body.store;
  if (previous !== undefined) request.previous_response_id = previous;
  const cacheKey = optionalString(body.prompt_cache_key, "prompt_cache_key") ??
    headers.get("session-id") ?? headers.get("session_id") ?? undefined;
  if (cacheKey) request.prompt_cache_key = cacheKey;
  if (isObject(body.client_metadata)) request.client_metadata = body.client_metadata;
  takeServiceTier(body.service_tier, request);
  return request;
}

function refuseUnsupported(body: Json): void {
  if (body.background === true) {
    throw badRequest("`background: true` is not supported: the Codex backend only streams", {
      param: "background",
      code: "unsupported_parameter",
    });
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    throw badRequest(
      "`conversation` is not supported by codexgate; chain turns with `previous_response_id` or send the whole history in `input`",
      { param: "conversation", code: "unsupported_parameter" },
    );
  }
  if (body.prompt !== undefined && body.prompt !== null) {
    throw badRequest("Stored prompt templates (`prompt`) are not supported by codexgate", {
      param: "prompt",
      code: "unsupported_parameter",
    });
  }
}

/** The input list with every message in the backend's shape (`type`, content parts). */
export function parseInput(input: unknown): InputItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") {
    return [{ type: "message", role: "user", content: [{ type: "input_text", text: input }] }];
  }
  if (!Array.isArray(input)) {
    throw badRequest("`input` must be a string or an array of input items", { param: "input" });
  }
  return input.map((item, i) => parseItem(item, `input[${i}]`));
}

function parseItem(item: unknown, where: string): InputItem {
  if (!isObject(item)) throw badRequest(`${where} must be an object`, { param: where });
  const type = item.type ?? (item.role !== undefined ? "message" : undefined);
  if (typeof type !== "string") {
    throw badRequest(`${where}.type is required`, { param: `${where}.type` });
  }
  if (type !== "message") return { ...item, type };
  const role = item.role;
  if (role !== "user" && role !== "assistant" && role !== "developer" && role !== "system") {
    throw badRequest(
      `${where}.role: expected one of user, assistant, developer, system, got ${
        JSON.stringify(role)
      }`,
      { param: `${where}.role` },
    );
  }
  return { ...item, type, role, content: parseContent(item.content, role, `${where}.content`) };
}

function parseContent(content: unknown, role: string, where: string): ContentPart[] {
  const textType = role === "assistant" ? "output_text" : "input_text";
  if (typeof content === "string") return [{ type: textType, text: content }];
  if (!Array.isArray(content)) {
    throw badRequest(`${where} must be a string or an array of content parts`, { param: where });
  }
  return content.map((part, j) => {
    if (!isObject(part) || typeof part.type !== "string") {
      throw badRequest(`${where}[${j}] must be an object with a type`, {
        param: `${where}[${j}]`,
      });
    }
    // Chat-style `text` parts are common in hand-written requests.
    if (part.type === "text") return { type: textType, text: String(part.text ?? "") };
    return part as unknown as ContentPart;
  });
}

function parseTools(tools: unknown, dropped: string[]): ToolDefinition[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw badRequest("`tools` must be an array", { param: "tools" });
  const out: ToolDefinition[] = [];
  tools.forEach((tool, i) => {
    if (!isObject(tool) || typeof tool.type !== "string") {
      throw badRequest(`tools[${i}] must be an object with a type`, { param: `tools[${i}]` });
    }
    if (tool.type === "function") {
      // Chat Completions' nested shape, sent here by some clients, is flattened.
      const flat = isObject(tool.function) ? { type: "function", ...tool.function } : tool;
      if (typeof flat.name !== "string" || flat.name === "") {
        throw badRequest(`tools[${i}].name is required for a function tool`, {
          param: `tools[${i}].name`,
        });
      }
      out.push(flat as ToolDefinition);
      return;
    }
    if (tool.type.startsWith("web_search")) {
      // web_search_preview and dated variants: the backend knows them as web_search.
      out.push({ ...tool, type: "web_search" });
      return;
    }
    if (ACCEPTED_TOOL_TYPES.has(tool.type)) {
      out.push(tool as ToolDefinition);
      return;
    }
    dropped.push(`tools[${i}] (type ${tool.type}: not offered by the Codex backend)`);
  });
  return out;
}

function parseToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (isObject(choice) && typeof choice.type === "string") {
    if (choice.type === "function" && isObject(choice.function)) {
      return { type: "function", name: String(choice.function.name ?? "") };
    }
    return choice as ToolChoice;
  }
  throw badRequest("`tool_choice` must be auto, none, required or a tool object", {
    param: "tool_choice",
  });
}

function isSystemMessage(item: InputItem): boolean {
  return item.type === "message" && (item as { role?: unknown }).role === "system";
}

function messageText(item: InputItem): string {
  const content = (item as { content?: unknown }).content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("");
}

function optionalString(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`\`${param}\` must be a string`, { param });
  return value;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
