/**
 * Backend usage → Chat Completions usage.
 *
 * @module
 */
import type { UpstreamUsage } from "../../upstream/events.ts";

/** Chat Completions `usage`. */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** Maps usage; absent numbers are 0. */
export function mapChatUsage(usage: UpstreamUsage | undefined | null): ChatUsage {
  const prompt = usage?.input_tokens ?? 0;
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.total_tokens ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: {
      reasoning_tokens: usage?.output_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}
