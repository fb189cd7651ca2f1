/**
 * How a backend response ended → Anthropic `stop_reason`.
 *
 * @module
 */

/** Anthropic stop reasons codexgate produces. */
export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "refusal";

/** What decides the stop reason. */
export interface StopOutcome {
  status: string;
  incompleteReason?: string;
  sawToolUse: boolean;
  sawRefusal: boolean;
  stopSequence?: string;
}

/** Maps the outcome to a stop reason. */
export function mapStopReason(outcome: StopOutcome): AnthropicStopReason {
  if (outcome.stopSequence !== undefined) return "stop_sequence";
  if (outcome.status === "incomplete") {
    return outcome.incompleteReason === "content_filter" ? "refusal" : "max_tokens";
  }
  if (outcome.sawRefusal) return "refusal";
  return outcome.sawToolUse ? "tool_use" : "end_turn";
}
