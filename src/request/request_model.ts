/**
 * codexgate's own request model: what every frontend (Chat Completions,
 * Responses, Anthropic Messages) parses into, and what `translate` turns into
 * the Codex backend's body. It is Responses-shaped because the backend is; the
 * frontends differ only in how they fill it.
 *
 * @module
 */
/** A content part of a message item. */
export type ContentPart =
  | { type: "input_text"; text: string }
  | { type: "output_text"; text: string }
  | { type: "input_image"; image_url: string; detail?: "auto" | "low" | "high" }
  | { type: "input_file"; file_id?: string; file_data?: string; filename?: string }
  | { type: "refusal"; refusal: string };

/** A message item. `system` is only seen before `translate` places it. */
export interface MessageItem {
  type: "message";
  role: "user" | "assistant" | "developer" | "system";
  content: ContentPart[];
}

/** A function call the model made earlier in the conversation. */
export interface FunctionCallItem {
  type: "function_call";
  call_id: string;
  name: string;
  arguments: string;
}

/** The client's result of a function call. */
export interface FunctionCallOutputItem {
  type: "function_call_output";
  call_id: string;
  output: string | ContentPart[];
}

/** A freeform (custom) tool call, e.g. apply_patch. */
export interface CustomToolCallItem {
  type: "custom_tool_call";
  call_id: string;
  name: string;
  input: string;
}

/** The client's result of a freeform tool call. */
export interface CustomToolCallOutputItem {
  type: "custom_tool_call_output";
  call_id: string;
  output: string | ContentPart[];
}

/** Reasoning to replay; only useful with `encrypted_content`. */
export interface ReasoningItem {
  type: "reasoning";
  encrypted_content: string;
  summary: { type: "summary_text"; text: string }[];
}

/** Any item of the backend's `input` list. */
export type InputItem =
  | MessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ReasoningItem
  // Items the backend knows that codexgate passes through untouched (local_shell_call, …).
  | { type: string; [key: string]: unknown };

/** A function tool in the backend's flat shape. */
export interface FunctionTool {
  type: "function";
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

/** Any tool definition the backend accepts. */
export type ToolDefinition = FunctionTool | { type: string; name?: string; [key: string]: unknown };

/** `tool_choice` as the backend takes it. */
export type ToolChoice =
  | "auto"
  | "none"
  | "required"
  | { type: "function"; name: string }
  | { type: string; [key: string]: unknown };

/** Reasoning settings. */
export interface ReasoningSettings {
  effort?: string;
  summary?: string;
}

/** The frontend a request came in through; selects error shapes and the stream mapper. */
export type Dialect = "chat" | "responses" | "anthropic";

/** A parsed client request, independent of its wire. */
export interface CanonicalRequest {
  dialect: Dialect;
  /** The model exactly as the client named it (echoed back). */
  model: string;
  /** The client's system prompt(s), in order; placed by `prompt_mode`. */
  system: string[];
  /** Instructions the client sent explicitly (Responses `instructions`). */
  instructions?: string;
  input: InputItem[];
  tools: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  reasoning?: ReasoningSettings;
  text?: { verbosity?: string; format?: Record<string, unknown> };
  include?: string[];
  stream: boolean;
  /** Conversation id hints from the client (headers, prompt_cache_key, user). */
  prompt_cache_key?: string;
  client_metadata?: Record<string, unknown>;
  /** The client's `service_tier`, as it sent it (docs/clients.md#fast-mode). */
  service_tier?: string;
  /** Stop sequences the proxy emulates by cutting the stream. */
  stop?: string[];
  /** Chat: send a usage chunk at the end of the stream. */
  include_usage?: boolean;
  /** Parameters the backend would refuse, dropped; logged at debug level. */
  dropped: string[];
  /**
   * Dropped parameters whose absence changes the answer's shape (logprobs,
   * audio): named in a response header and on the request log line.
   */
  ignored?: string[];
  /** Responses: the client asked to store the response (for previous_response_id). */
  store?: boolean;
  previous_response_id?: string;
  /** Responses: the stored items the input's `item_reference` entries name, by id. */
  referenced_items?: ReadonlyMap<string, InputItem>;
}
