/**
 * Chat Completions request → codexgate's request model
 * (docs/clients.md#chat-completions, docs/backend-protocol.md#request-body).
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
import { REPLAY_FIELD, replayItems } from "./reasoning_replay.ts";

/**
 * Parameters codexgate reads. Every other top-level key (temperature, top_p,
 * max_tokens, max_completion_tokens, n of 1, penalties, logit_bias, logprobs,
 * user, metadata, seed, …) is dropped, never forwarded (the backend refuses
 * them), and logged at debug.
 */
export const CHAT_PARAMS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "tools",
  "functions",
  "tool_choice",
  "function_call",
  "parallel_tool_calls",
  "reasoning_effort",
  "reasoning",
  "verbosity",
  "response_format",
  "stop",
  "prompt_cache_key",
  "service_tier",
]);

type Json = Record<string, unknown>;

/**
 * Parses a Chat Completions body.
 *
 * @throws {ProxyError} 400 for a malformed or unsupported request.
 */
export function parseChatRequest(body: Json, headers: Headers): CanonicalRequest {
  if (typeof body.model !== "string" || body.model === "") {
    throw badRequest("`model` is required and must be a string", { param: "model" });
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw badRequest("`messages` must be a non-empty array", { param: "messages" });
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw badRequest("`n` greater than 1 is not supported by the Codex backend", { param: "n" });
  }
  const system: string[] = [];
  const input: InputItem[] = [];
  body.messages.forEach((m, i) => convertMessage(m, i, system, input));

  const request: CanonicalRequest = {
    dialect: "chat",
    model: body.model,
    system,
    input,
    tools: parseTools(body.tools, body.functions),
    stream: body.stream === true,
    dropped: Object.keys(body).filter((k) => !CHAT_PARAMS.has(k)),
    include_usage: isObject(body.stream_options) && body.stream_options.include_usage === true,
  };
  const ignored = shapeChangingParams(body);
  if (ignored.length > 0) request.ignored = ignored;
  const toolChoice = parseToolChoice(body.tool_choice ?? body.function_call);
  if (toolChoice !== undefined) request.tool_choice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") {
    request.parallel_tool_calls = body.parallel_tool_calls;
  }
  const reasoning = parseReasoning(body);
  if (reasoning) request.reasoning = reasoning;
  const text: CanonicalRequest["text"] = {};
  if (typeof body.verbosity === "string") text.verbosity = body.verbosity;
  const format = parseResponseFormat(body.response_format, request.dropped);
  if (format) text.format = format;
  if (Object.keys(text).length > 0) request.text = text;
  if (body.stop !== undefined && body.stop !== null) {
    request.stop = (Array.isArray(body.stop) ? body.stop : [body.stop]).filter((s): s is string =>
      typeof s === "string" && s !== ""
    );
  }
  takeServiceTier(body.service_tier, request);
  const sessionHeader = headers.get("session-id") ?? headers.get("session_id");
  const cacheKey = typeof body.prompt_cache_key === "string" ? body.prompt_cache_key : undefined;
  if (cacheKey ?? sessionHeader) request.prompt_cache_key = (cacheKey ?? sessionHeader)!;
  return request;
}

function convertMessage(m: unknown, i: number, system: string[], input: InputItem[]): void {
  if (!isObject(m)) {
    throw badRequest(`messages[${i}] must be an object`, { param: `messages[${i}]` });
  }
  const role = m.role;
  switch (role) {
    case "system":
    case "developer": {
      const text = textOf(m.content, `messages[${i}].content`);
      if (text !== "") system.push(text);
      return;
    }
    case "user":
      input.push({ type: "message", role: "user", content: userParts(m.content, i) });
      return;
    case "assistant": {
      input.push(...replayItems(m[REPLAY_FIELD], `messages[${i}]`));
      const text = m.content === null || m.content === undefined
        ? ""
        : textOf(m.content, `messages[${i}].content`);
      if (text !== "") {
        input.push({
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text }],
        });
      }
      const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
      calls.forEach((c, j) => {
        if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== "string") {
          throw badRequest(`messages[${i}].tool_calls[${j}] needs function.name`, {
            param: `messages[${i}].tool_calls[${j}]`,
          });
        }
        input.push({
          type: "function_call",
          call_id: typeof c.id === "string" ? c.id : `call_${i}_${j}`,
          name: c.function.name,
          arguments: typeof c.function.arguments === "string"
            ? c.function.arguments
            : JSON.stringify(c.function.arguments ?? {}),
        });
      });
      if (isObject(m.function_call) && typeof m.function_call.name === "string") {
        input.push({
          type: "function_call",
          call_id: `call_legacy_${i}`,
          name: m.function_call.name,
          arguments: String(m.function_call.arguments ?? "{}"),
        });
      }
      return;
    }
    case "tool":
      if (typeof m.tool_call_id !== "string") {
        throw badRequest(`messages[${i}].tool_call_id is required for a tool message`, {
          param: `messages[${i}].tool_call_id`,
        });
      }
      input.push({
        type: "function_call_output",
        call_id: m.tool_call_id,
        output: toolOutput(m.content, i),
      });
      return;
    case "function":
      // Legacy function result: pairs with the last legacy call of that name.
      input.push({
        type: "function_call_output",
        call_id: legacyCallId(input, String(m.name ?? "")),
        output: toolOutput(m.content, i),
      });
      return;
    default:
      throw badRequest(
        `messages[${i}].role: expected one of system, developer, user, assistant, tool, function, got ${
          JSON.stringify(role)
        }`,
        { param: `messages[${i}].role` },
      );
  }
}

function legacyCallId(input: InputItem[], name: string): string {
  for (let k = input.length - 1; k >= 0; k--) {
    const item = input[k];
    if (item.type === "function_call" && item.name === name) return String(item.call_id);
  }
  return `call_legacy_${name}`;
}

function userParts(content: unknown, i: number): ContentPart[] {
  if (typeof content === "string") return [{ type: "input_text", text: content }];
  if (!Array.isArray(content)) {
    throw badRequest(`messages[${i}].content must be a string or an array of parts`, {
      param: `messages[${i}].content`,
    });
  }
  return content.map((p, j) => userPart(p, `messages[${i}].content[${j}]`));
}

function userPart(p: unknown, where: string): ContentPart {
  if (!isObject(p)) throw badRequest(`${where} must be an object`, { param: where });
  if (p.type === "text") return { type: "input_text", text: String(p.text ?? "") };
  if (p.type === "image_url") {
    const image = isObject(p.image_url) ? p.image_url : { url: p.image_url };
    if (typeof image.url !== "string" || !/^(data:image\/|https?:\/\/)/.test(image.url)) {
      throw badRequest(`${where}.image_url.url must be a data:image/… URL or an http(s) URL`, {
        param: where,
      });
    }
    const part: ContentPart = { type: "input_image", image_url: image.url };
    if (image.detail === "low" || image.detail === "high" || image.detail === "auto") {
      part.detail = image.detail;
    }
    return part;
  }
  if (p.type === "input_audio") {
    throw badRequest(`${where}: audio input is not supported by the Codex backend`, {
      param: where,
      code: "unsupported_content",
    });
  }
  if (p.type === "file") {
    const file = isObject(p.file) ? p.file : {};
    if (typeof file.file_data === "string") {
      return {
        type: "input_file",
        file_data: file.file_data,
        ...(typeof file.filename === "string" ? { filename: file.filename } : {}),
      };
    }
    throw badRequest(`${where}: file parts need inline file_data (file ids are not supported)`, {
      param: where,
      code: "unsupported_content",
    });
  }
  throw badRequest(
    `${where}.type: expected one of text, image_url, got ${JSON.stringify(p.type)}`,
    {
      param: where,
    },
  );
}

function toolOutput(content: unknown, i: number): string | ContentPart[] {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) {
    return content.map((p, j) => userPart(p, `messages[${i}].content[${j}]`));
  }
  throw badRequest(`messages[${i}].content must be a string or an array of parts`, {
    param: `messages[${i}].content`,
  });
}

function textOf(content: unknown, where: string): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p, j) => {
      if (
        isObject(p) && (p.type === "text" || p.type === "input_text" || p.type === "output_text")
      ) {
        return String(p.text ?? "");
      }
      if (isObject(p) && p.type === "refusal") return String(p.refusal ?? "");
      throw badRequest(`${where}[${j}]: only text parts are allowed here`, {
        param: `${where}[${j}]`,
      });
    }).join("");
  }
  if (content === null || content === undefined) return "";
  throw badRequest(`${where} must be a string or an array of text parts`, { param: where });
}

function parseTools(tools: unknown, functions: unknown): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  const list = Array.isArray(tools) ? tools : [];
  list.forEach((t, i) => {
    if (!isObject(t)) throw badRequest(`tools[${i}] must be an object`, { param: `tools[${i}]` });
    if (t.type === "function" && isObject(t.function) && typeof t.function.name === "string") {
      out.push(functionTool(t.function));
      return;
    }
    if (t.type === "custom" && isObject(t.custom) && typeof t.custom.name === "string") {
      out.push({ type: "custom", ...t.custom });
      return;
    }
    throw badRequest(`tools[${i}]: expected {type: "function", function: {name, …}}`, {
      param: `tools[${i}]`,
    });
  });
  if (Array.isArray(functions)) {
    for (const f of functions) {
      if (isObject(f) && typeof f.name === "string") out.push(functionTool(f));
    }
  }
  return out;
}

function functionTool(f: Json): ToolDefinition {
  const tool: ToolDefinition = {
    type: "function",
    name: f.name as string,
    parameters: isObject(f.parameters) ? f.parameters : { type: "object", properties: {} },
  };
  if (typeof f.description === "string") tool.description = f.description;
  tool.strict = typeof f.strict === "boolean" ? f.strict : false;
  return tool;
}

function parseToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (isObject(choice)) {
    const name = isObject(choice.function) ? choice.function.name : choice.name;
    if (typeof name === "string") return { type: "function", name };
  }
  throw badRequest(
    '`tool_choice` must be auto, none, required or {type: "function", function: {name}}',
    { param: "tool_choice" },
  );
}

function parseReasoning(body: Json): CanonicalRequest["reasoning"] {
  const r = isObject(body.reasoning) ? body.reasoning : {};
  const effort = typeof body.reasoning_effort === "string"
    ? body.reasoning_effort
    : typeof r.effort === "string"
    ? r.effort
    : undefined;
  const summary = typeof r.summary === "string" ? r.summary : undefined;
  if (effort === undefined && summary === undefined) return { summary: "auto" };
  return { ...(effort ? { effort } : {}), summary: summary ?? "auto" };
}

/**
 * Dropped parameters that would have put something in the answer the client
 * then does not get (token logprobs, audio). The backend has neither.
 */
function shapeChangingParams(body: Json): string[] {
  const ignored: string[] = [];
  if (body.logprobs === true) ignored.push("logprobs");
  if (typeof body.top_logprobs === "number" && body.top_logprobs > 0) ignored.push("top_logprobs");
  if (Array.isArray(body.modalities) && body.modalities.includes("audio")) {
    ignored.push("modalities");
  }
  if (isObject(body.audio)) ignored.push("audio");
  return ignored;
}

function parseResponseFormat(
  format: unknown,
  dropped: string[],
): Record<string, unknown> | undefined {
  if (!isObject(format)) return undefined;
  if (format.type === "text") return undefined;
  if (format.type === "json_object") return jsonObjectFormat(format, dropped);
  if (format.type === "json_schema" && isObject(format.json_schema)) {
    const s = format.json_schema;
    return {
      type: "json_schema",
      name: typeof s.name === "string" ? s.name : "response",
      schema: isObject(s.schema) ? s.schema : {},
      strict: s.strict === true,
      ...(typeof s.description === "string" ? { description: s.description } : {}),
    };
  }
  throw badRequest("`response_format.type` must be text, json_object or json_schema", {
    param: "response_format",
  });
}

/** `json_object`, as a JSON-schema format when a `schema` comes with it. */
function jsonObjectFormat(format: Json, dropped: string[]): Record<string, unknown> {
  for (const key of Object.keys(format)) {
    if (key !== "type" && key !== "schema" && key !== "name") {
      dropped.push(`response_format.${key}`);
    }
  }
  return schemaFormatOfJsonObject(format) ?? { type: "json_object" };
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
