/**
 * How a backend response ended → Chat Completions `finish_reason`
 * (docs/backend-protocol.md#how-a-response-ends).
 *
 * @module
 */

/** Chat Completions finish reasons. */
export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** Maps the outcome to a finish reason. */
export function mapFinishReason(
  outcome: { status: string; incompleteReason?: string; sawToolCall: boolean },
): ChatFinishReason {
  if (outcome.status === "incomplete") {
    if (outcome.incompleteReason === "content_filter") return "content_filter";
    return "length";
  }
  return outcome.sawToolCall ? "tool_calls" : "stop";
}
