/**
 * Anthropic Messages request → codexgate's request model.
 *
 * - `system` (string or text blocks) → the client system prompt;
 *   `cache_control` anywhere is accepted and ignored.
 * - user `text`/`image`/`document` → a user message; `tool_result` →
 *   `function_call_output` (placed before the user's other blocks, right after
 *   the calls they answer); `is_error` prefixes the output with `Error: `.
 * - assistant `text` → an assistant message, `tool_use` → `function_call`,
 *   `thinking` → a reasoning item whose `encrypted_content` is the block's
 *   `signature` (where codexgate put it), `redacted_thinking` → one from `data`.
 * - `max_tokens`, `temperature`, `top_p`, `top_k`, `metadata`, … are accepted
 *   and not forwarded (the backend refuses them); `stop_sequences` are
 *   emulated by cutting the answer.
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
import { badRequest } from "../../errors.ts";
import { mapThinking } from "./map_thinking.ts";

type Json = Record<string, unknown>;

/** Fields read by the parser; any other top-level field is dropped and logged. */
const KNOWN_FIELDS = new Set([
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "stop_sequences",
  "stream",
  "metadata",
  "max_tokens",
  "service_tier",
]);

/**
 * Parses a Messages body.
 *
 * @throws {ProxyError} 400 for a malformed or unsupported request.
 */
export function parseAnthropicRequest(body: Json, headers: Headers): CanonicalRequest {
  if (typeof body.model !== "string" || body.model === "") {
    throw badRequest("model: Field required (a string)", { param: "model" });
  }
  if (!Array.isArray(body.messages)) {
    throw badRequest("messages: Field required (an array)", { param: "messages" });
  }
  if (
    body.max_tokens !== undefined &&
    (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) ||
      body.max_tokens < 1)
  ) {
    throw badRequest("max_tokens: expected a positive integer", { param: "max_tokens" });
  }
  const input: InputItem[] = [];
  body.messages.forEach((m, i) => convertMessage(m, i, input));

  const reasoning = mapThinking(body.thinking, body.output_config);
  const request: CanonicalRequest = {
    dialect: "anthropic",
    model: body.model,
    system: parseSystem(body.system),
    input,
    tools: parseTools(body.tools, referencedTools(body.messages)),
    stream: body.stream === true,
    dropped: Object.keys(body).filter((k) => !KNOWN_FIELDS.has(k) || k === "max_tokens"),
  };
  if (Object.keys(reasoning).length > 0) request.reasoning = reasoning;
  const choice = parseToolChoice(body.tool_choice);
  if (choice) {
    if (choice.choice !== undefined) request.tool_choice = choice.choice;
    if (choice.disableParallel) request.parallel_tool_calls = false;
  }
  const format = parseOutputFormat(body.output_config);
  if (format) request.text = { format };
  if (body.stop_sequences !== undefined && body.stop_sequences !== null) {
    if (
      !Array.isArray(body.stop_sequences) ||
      !body.stop_sequences.every((s) => typeof s === "string")
    ) {
      throw badRequest("stop_sequences: expected an array of strings", {
        param: "stop_sequences",
      });
    }
    const stop = body.stop_sequences.filter((s) => s !== "");
    if (stop.length > 0) request.stop = stop;
  }
  if (body.metadata !== undefined) request.dropped.push("metadata");
  takeServiceTier(body.service_tier, request);
  const session = sessionId(body.metadata, headers);
  if (session) request.prompt_cache_key = session;
  return request;
}

/** Claude Code names its session in a header and in `metadata.user_id`; one session, one cache key. */
function sessionId(metadata: unknown, headers: Headers): string | undefined {
  const header = headers.get("x-claude-code-session-id");
  if (header && /^[A-Za-z0-9_-]{8,128}$/.test(header)) return header;
  if (isObject(metadata) && typeof metadata.user_id === "string") {
    // Older versions: `user_<hash>_account_<uuid>_session_<uuid>`; newer: a JSON object.
    const match = /session_([0-9a-f-]{16,64})|"session_id":"([0-9a-f-]{16,64})"/i.exec(
      metadata.user_id,
    );
    if (match) return match[1] ?? match[2];
  }
  return undefined;
}

function parseSystem(system: unknown): string[] {
  if (system === undefined || system === null) return [];
  if (typeof system === "string") return system.trim() === "" ? [] : [system];
  if (!Array.isArray(system)) {
    throw badRequest("system: expected a string or an array of text blocks", {
      param: "system",
    });
  }
  return system.map((b, i) => {
    if (!isObject(b) || b.type !== "text" || typeof b.text !== "string") {
      throw badRequest(`system.${i}: expected a text block {type: "text", text}`, {
        param: `system.${i}`,
      });
    }
    return b.text;
  }).filter((t) => t.trim() !== "" && !BILLING_HEADER.test(t));
}

/** Claude Code's billing line in the system prompt: metadata for Anthropic, not an instruction. */
const BILLING_HEADER = /^x-anthropic-billing-header:/;

function blocksOf(content: unknown, where: string): Json[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) {
    throw badRequest(`${where}: expected a string or an array of content blocks`, {
      param: where,
    });
  }
  return content.map((b, j) => {
    if (!isObject(b) || typeof b.type !== "string") {
      throw badRequest(`${where}.${j}: expected a content block with a type`, {
        param: `${where}.${j}`,
      });
    }
    return b;
  });
}

function convertMessage(m: unknown, i: number, input: InputItem[]): void {
  const where = `messages.${i}`;
  if (!isObject(m)) throw badRequest(`${where}: expected an object`, { param: where });
  const blocks = blocksOf(m.content, `${where}.content`);
  if (m.role === "user") return convertUser(blocks, `${where}.content`, input);
  if (m.role === "assistant") return convertAssistant(blocks, `${where}.content`, input);
  if (m.role === "system") {
    // A system message inside the conversation (Claude Code sends its environment this way).
    const text = blocks.map((b, j) => {
      if (b.type !== "text" || typeof b.text !== "string") {
        throw badRequest(`${where}.content.${j}: a system message takes text blocks only`, {
          param: `${where}.content.${j}`,
        });
      }
      return b.text;
    }).join("\n\n");
    if (text.trim() !== "") {
      input.push({ type: "message", role: "system", content: [{ type: "input_text", text }] });
    }
    return;
  }
  throw badRequest(
    `${where}.role: expected "user", "assistant" or "system", got ${JSON.stringify(m.role)}`,
    { param: `${where}.role` },
  );
}

function convertUser(blocks: Json[], where: string, input: InputItem[]): void {
  const parts: ContentPart[] = [];
  blocks.forEach((b, j) => {
    const at = `${where}.${j}`;
    if (b.type === "tool_result") {
      if (typeof b.tool_use_id !== "string") {
        throw badRequest(`${at}.tool_use_id: Field required`, { param: `${at}.tool_use_id` });
      }
      input.push({
        type: "function_call_output",
        call_id: b.tool_use_id,
        output: toolResultOutput(b, at),
      });
      return;
    }
    const part = userPart(b, at);
    if (part) parts.push(part);
  });
  if (parts.length > 0) input.push({ type: "message", role: "user", content: parts });
}

function toolResultOutput(b: Json, at: string): string | ContentPart[] {
  const isError = b.is_error === true;
  if (b.content === undefined || b.content === null) return isError ? "Error" : "";
  if (typeof b.content === "string") return isError ? `Error: ${b.content}` : b.content;
  const parts = blocksOf(b.content, `${at}.content`)
    .map((p, k) => userPart(p, `${at}.content.${k}`))
    .filter((p): p is ContentPart => p !== undefined);
  // A text-only result goes as a string, the form the backend's own clients send.
  if (parts.every((p) => p.type === "input_text")) {
    const text = parts.map((p) => (p as { text: string }).text).join("\n");
    return isError ? `Error: ${text}` : text;
  }
  return isError ? [{ type: "input_text", text: "Error:" }, ...parts] : parts;
}

function userPart(b: Json, at: string): ContentPart | undefined {
  switch (b.type) {
    case "text":
      if (typeof b.text !== "string") {
        throw badRequest(`${at}.text: Field required`, { param: `${at}.text` });
      }
      return b.text === "" ? undefined : { type: "input_text", text: b.text };
    case "image":
      return { type: "input_image", image_url: imageUrl(b.source, `${at}.source`) };
    case "document":
      return documentPart(b, at);
    case "tool_reference":
      // Tool search loaded a deferred tool: its definition now goes upstream (see parseTools).
      return { type: "input_text", text: `Tool ${String(b.tool_name ?? "")} loaded.` };
    case "thinking":
    case "redacted_thinking":
      // Some clients echo assistant blocks into user turns; reasoning belongs to the model's turn.
      return undefined;
    default:
      throw badRequest(
        `${at}.type: ${JSON.stringify(b.type)} is not supported in a user message here; ` +
          "use text, image, document or tool_result",
        { param: `${at}.type`, code: "unsupported_content" },
      );
  }
}

function imageUrl(source: unknown, at: string): string {
  if (!isObject(source)) throw badRequest(`${at}: Field required`, { param: at });
  if (source.type === "base64") {
    if (typeof source.media_type !== "string" || !source.media_type.startsWith("image/")) {
      throw badRequest(`${at}.media_type: expected an image/* media type`, {
        param: `${at}.media_type`,
      });
    }
    if (typeof source.data !== "string" || source.data === "") {
      throw badRequest(`${at}.data: Field required`, { param: `${at}.data` });
    }
    return `data:${source.media_type};base64,${source.data}`;
  }
  if (source.type === "url") {
    if (typeof source.url !== "string" || !/^https?:\/\//.test(source.url)) {
      throw badRequest(`${at}.url: expected an http(s) URL`, { param: `${at}.url` });
    }
    return source.url;
  }
  throw badRequest(
    `${at}.type: expected base64 or url, got ${
      JSON.stringify(source.type)
    } (file ids are not supported)`,
    { param: `${at}.type`, code: "unsupported_content" },
  );
}

function documentPart(b: Json, at: string): ContentPart {
  const source = isObject(b.source) ? b.source : {};
  if (source.type === "base64" && source.media_type === "application/pdf") {
    return {
      type: "input_file",
      file_data: `data:application/pdf;base64,${String(source.data ?? "")}`,
      filename: typeof b.title === "string" && b.title !== "" ? b.title : "document.pdf",
    };
  }
  if (source.type === "text" && typeof source.data === "string") {
    return { type: "input_text", text: source.data };
  }
  throw badRequest(
    `${at}.source: only base64 PDF and plain text documents are supported`,
    { param: `${at}.source`, code: "unsupported_content" },
  );
}

function convertAssistant(blocks: Json[], where: string, input: InputItem[]): void {
  let text: string[] = [];
  const flush = () => {
    const joined = text.join("");
    if (joined !== "") {
      input.push({
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: joined }],
      });
    }
    text = [];
  };
  blocks.forEach((b, j) => {
    const at = `${where}.${j}`;
    switch (b.type) {
      case "text":
        text.push(typeof b.text === "string" ? b.text : "");
        return;
      case "tool_use":
        flush();
        if (typeof b.id !== "string" || typeof b.name !== "string") {
          throw badRequest(`${at}: tool_use needs id and name`, { param: at });
        }
        input.push({
          type: "function_call",
          call_id: b.id,
          name: b.name,
          arguments: JSON.stringify(b.input ?? {}),
        });
        return;
      case "thinking":
        flush();
        // Only a signature codexgate issued (the backend's encrypted reasoning) can be replayed.
        if (typeof b.signature === "string" && b.signature !== "") {
          const summary = typeof b.thinking === "string" && b.thinking !== ""
            ? [{ type: "summary_text" as const, text: b.thinking }]
            : [];
          input.push({ type: "reasoning", encrypted_content: b.signature, summary });
        }
        return;
      case "redacted_thinking":
        flush();
        if (typeof b.data === "string" && b.data !== "") {
          input.push({ type: "reasoning", encrypted_content: b.data, summary: [] });
        }
        return;
      default:
        throw badRequest(
          `${at}.type: ${
            JSON.stringify(b.type)
          } is not supported in an assistant message; use text, tool_use, thinking or redacted_thinking`,
          { param: `${at}.type`, code: "unsupported_content" },
        );
    }
  });
  flush();
}

/** Names of deferred tools a tool search has loaded (`tool_reference` blocks in tool results). */
function referencedTools(messages: unknown[]): Set<string> {
  const names = new Set<string>();
  for (const m of messages) {
    if (!isObject(m) || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (!isObject(b) || b.type !== "tool_result" || !Array.isArray(b.content)) continue;
      for (const r of b.content) {
        if (isObject(r) && r.type === "tool_reference" && typeof r.tool_name === "string") {
          names.add(r.tool_name);
        }
      }
    }
  }
  return names;
}

/**
 * Tools with `defer_loading` stay back until a tool search references them,
 * as Anthropic's API does: the model only sees what was loaded.
 */
function parseTools(tools: unknown, loaded: ReadonlySet<string>): ToolDefinition[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw badRequest("tools: expected an array", { param: "tools" });
  const visible = tools.filter((t) =>
    !(isObject(t) && t.defer_loading === true && !loaded.has(String(t.name)))
  );
  return visible.map((t, i) => {
    const at = `tools.${i}`;
    if (!isObject(t) || typeof t.name !== "string" && typeof t.type !== "string") {
      throw badRequest(`${at}: expected {name, description, input_schema}`, { param: at });
    }
    if (typeof t.type === "string" && t.type.startsWith("web_search_")) {
      // Anthropic's server-side web search → the backend's own web search tool.
      return { type: "web_search" };
    }
    if (t.type !== undefined && t.type !== null && t.type !== "custom") {
      throw badRequest(
        `${at}.type: ${
          JSON.stringify(t.type)
        } is an Anthropic-defined tool the Codex backend does not have; define it with input_schema`,
        { param: `${at}.type`, code: "unsupported_tool" },
      );
    }
    if (typeof t.name !== "string" || t.name === "") {
      throw badRequest(`${at}.name: Field required`, { param: `${at}.name` });
    }
    const tool: ToolDefinition = {
      type: "function",
      name: t.name,
      parameters: isObject(t.input_schema) ? t.input_schema : { type: "object", properties: {} },
      strict: false,
    };
    if (typeof t.description === "string") tool.description = t.description;
    return tool;
  });
}

function parseToolChoice(
  choice: unknown,
): { choice?: ToolChoice; disableParallel: boolean } | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (!isObject(choice)) {
    throw badRequest('tool_choice: expected {type: "auto" | "any" | "tool" | "none"}', {
      param: "tool_choice",
    });
  }
  const disableParallel = choice.disable_parallel_tool_use === true;
  switch (choice.type) {
    case "auto":
      return { choice: "auto", disableParallel };
    case "any":
      return { choice: "required", disableParallel };
    case "none":
      return { choice: "none", disableParallel };
    case "tool":
      if (typeof choice.name !== "string") {
        throw badRequest("tool_choice.name: Field required", { param: "tool_choice.name" });
      }
      return { choice: { type: "function", name: choice.name }, disableParallel };
    default:
      throw badRequest(
        `tool_choice.type: expected auto, any, tool or none, got ${JSON.stringify(choice.type)}`,
        { param: "tool_choice.type" },
      );
  }
}

function parseOutputFormat(outputConfig: unknown): Record<string, unknown> | undefined {
  if (!isObject(outputConfig) || !isObject(outputConfig.format)) return undefined;
  const format = outputConfig.format;
  if (format.type !== "json_schema" || !isObject(format.schema)) {
    throw badRequest('output_config.format: expected {type: "json_schema", schema}', {
      param: "output_config.format",
    });
  }
  return { type: "json_schema", name: "output", schema: format.schema, strict: false };
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
