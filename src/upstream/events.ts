/**
 * The backend's stream events (docs/backend-protocol.md#events). Kept
 * lenient: only the fields codexgate reads are typed; anything else rides
 * along.
 *
 * @module
 */

/** Usage as the backend reports it in `response.completed`. */
export interface UpstreamUsage {
  input_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  total_tokens?: number;
}

/** An output item (message, function_call, reasoning, custom_tool_call, …). */
export interface UpstreamItem {
  type: string;
  id?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
  input?: string;
  role?: string;
  status?: string;
  content?: { type: string; text?: string; [k: string]: unknown }[];
  summary?: { type: string; text: string }[];
  encrypted_content?: string | null;
  [key: string]: unknown;
}

/** The `response` object inside lifecycle events. */
export interface UpstreamResponse {
  id?: string;
  model?: string;
  status?: string;
  created_at?: number;
  output?: UpstreamItem[];
  usage?: UpstreamUsage | null;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string; message?: string; type?: string } | null;
  [key: string]: unknown;
}

/** One parsed event. */
export interface UpstreamEvent {
  type: string;
  sequence_number?: number;
  response?: UpstreamResponse;
  item?: UpstreamItem;
  item_id?: string;
  output_index?: number;
  content_index?: number;
  summary_index?: number;
  delta?: string;
  text?: string;
  arguments?: string;
  code?: string;
  message?: string;
  error?: { code?: string; message?: string; type?: string };
  [key: string]: unknown;
}

/** Event types that end a response stream. */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set([
  "response.completed",
  "response.incomplete",
  "response.failed",
  "error",
]);
