/**
 * The request codexgate sends to the backend's `POST {base}/responses`.
 *
 * @module
 */
import type {
  InputItem,
  ReasoningSettings,
  ToolChoice,
  ToolDefinition,
} from "../request/request_model.ts";

/**
 * The allow-listed upstream body (docs/backend-protocol.md#the-allow-list).
 * Nothing else is ever sent.
 */
export interface UpstreamBody {
  model: string;
  instructions: string;
  input: InputItem[];
  /** Absent for a Responses Lite model: its tools ride in an `additional_tools` input item. */
  tools?: ToolDefinition[];
  tool_choice: ToolChoice;
  parallel_tool_calls: boolean;
  reasoning?: ReasoningSettings;
  store: false;
  stream: true;
  include: string[];
  prompt_cache_key?: string;
  text?: { verbosity?: string; format?: Record<string, unknown> };
  client_metadata?: Record<string, unknown>;
  /** Only ever `priority` (fast mode, docs/backend-protocol.md#fast-mode). */
  service_tier?: "priority";
}

/** Fields of {@link UpstreamBody}: the allow-list. */
export const UPSTREAM_BODY_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "instructions",
  "input",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "store",
  "stream",
  "include",
  "prompt_cache_key",
  "text",
  "client_metadata",
  "service_tier",
]);

/** Body plus the per-conversation values the headers need. */
export interface UpstreamRequest {
  body: UpstreamBody;
  /** Stable per conversation: `session-id`/`thread-id` headers and `prompt_cache_key`. */
  conversationId: string;
  /** Fresh per request: `x-client-request-id`. */
  requestId: string;
  /** Repairs made to the input, for the debug log (docs/backend-protocol.md#input-repairs). */
  notes?: string[];
  /** Refused fields stripped from items and tools, for the debug log. */
  stripped?: string[];
  /** Sent as Responses Lite (docs/backend-protocol.md#responses-lite): the header goes along. */
  responsesLite?: boolean;
  /** Upstream tool name → the client's name, for names that had to be made safe. */
  toolNames?: ReadonlyMap<string, string>;
  /** The reasoning effort the client asked for and the one that went upstream. */
  effort?: { requested: string; used: string };
}
