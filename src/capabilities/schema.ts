/**
 * The capability keys of a backend ("enthusiast mode" by default) and
 * their allowed values. Shared by the config file schema (config/schema.ts
 * builds its zod schema from them) and the per-request override, so both
 * reject the same things with the same words. No zod here: serving loads this
 * module, and zod loads only with a config file
 * (docs/operations.md#startup).
 *
 * @module
 */

/** Allowed values of each capability key, default first. */
export const CAPABILITY_VALUES = {
  protocol: ["openai-chat", "openai-responses"],
  codex_passthrough: [false, true],
  prompt_mode: ["codex_default", "merge_custom", "custom_only"],
  tool_schema_mode: ["custom_only", "merge_custom", "codex_default"],
  tool_text_format: ["none", "xml", "markdown"],
  bypass_tool_call_reactor: [true, false],
  include_environment_context: [false, true],
  service_tier: ["default", "fast"],
  auto_compact: [false, true],
} as const;

/** A complete, effective capability set. */
export type Capabilities = {
  -readonly [K in keyof typeof CAPABILITY_VALUES]: (typeof CAPABILITY_VALUES)[K][number];
};

/** A partial capability set, as written in config or sent with a request. */
export type PartialCapabilities = Partial<Capabilities>;

/** The built-in defaults: client tools only, calls back to the client, Codex instructions. */
export const ENTHUSIAST_MODE: Readonly<Capabilities> = Object.freeze({
  protocol: "openai-chat",
  codex_passthrough: false,
  prompt_mode: "codex_default",
  tool_schema_mode: "custom_only",
  tool_text_format: "none",
  bypass_tool_call_reactor: true,
  include_environment_context: false,
  service_tier: "default",
  auto_compact: false,
});
