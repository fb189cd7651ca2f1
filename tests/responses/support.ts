/**
 * Shared bits of the Responses tests: configs for both modes and item builders.
 *
 * @module
 */
import { FAKE_MODELS } from "../support/fake_codex.ts";

/** Config with `codex_passthrough` on (the `openai-responses` protocol default). */
export const PASSTHROUGH_CONFIG = `
backends:
  openai_codex:
    type: openai-codex
    extra:
      codex:
        default_capabilities:
          protocol: openai-responses
`;

/** Config with `codex_passthrough` off (the built-in default). */
export const NORMALIZED_CONFIG = "{}";

/** Both modes, for tests that must hold in each. */
export const MODES = [
  { name: "passthrough", config: PASSTHROUGH_CONFIG, passthrough: true },
  { name: "normalized", config: NORMALIZED_CONFIG, passthrough: false },
] as const;

/** The fake catalog's base instructions of gpt-5.4. */
export const BASE_INSTRUCTIONS = String(
  FAKE_MODELS.find((m) => m.slug === "gpt-5.4")!.base_instructions,
);

/** A user message item as the backend receives it. */
export function userItem(text: string): Record<string, unknown> {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** A developer message item. */
export function developerItem(text: string): Record<string, unknown> {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}

/** An assistant message as the fake emits it in `output_item.done`, without its id. */
export function assistantItem(text: string): Record<string, unknown> {
  return {
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
  };
}
