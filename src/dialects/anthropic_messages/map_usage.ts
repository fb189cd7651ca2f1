/**
 * Backend usage → Anthropic usage. Anthropic's `input_tokens` excludes the
 * tokens read from the prompt cache, which it reports apart; clients add the
 * two (and `cache_creation_input_tokens`, always 0 here) to get the context size.
 *
 * @module
 */
import type { UpstreamUsage } from "../../upstream/events.ts";

/** Anthropic `usage`. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Maps usage; absent numbers are 0. */
export function mapAnthropicUsage(usage: UpstreamUsage | undefined | null): AnthropicUsage {
  const input = usage?.input_tokens ?? 0;
  const cached = Math.min(input, usage?.input_tokens_details?.cached_tokens ?? 0);
  return {
    input_tokens: input - cached,
    output_tokens: usage?.output_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}
