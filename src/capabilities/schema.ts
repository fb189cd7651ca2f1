/**
 * The capability keys of a backend ("enthusiast mode" by default) and
 * their allowed values. Shared by the config file schema and the per-request
 * override, so both reject the same things with the same words.
 *
 * @module
 */
import { z } from "zod";

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

/** Zod schema of a complete capability set. */
export const capabilitiesSchema = z.strictObject({
  protocol: z.enum(CAPABILITY_VALUES.protocol),
  codex_passthrough: z.boolean(),
  prompt_mode: z.enum(CAPABILITY_VALUES.prompt_mode),
  tool_schema_mode: z.enum(CAPABILITY_VALUES.tool_schema_mode),
  tool_text_format: z.enum(CAPABILITY_VALUES.tool_text_format),
  bypass_tool_call_reactor: z.boolean(),
  include_environment_context: z.boolean(),
  service_tier: z.enum(CAPABILITY_VALUES.service_tier),
  auto_compact: z.boolean(),
});

/** A complete, effective capability set. */
export type Capabilities = z.infer<typeof capabilitiesSchema>;

/** A partial capability set, as written in config or sent with a request. */
export const partialCapabilitiesSchema = capabilitiesSchema.partial();

/** A partial capability set. */
export type PartialCapabilities = z.infer<typeof partialCapabilitiesSchema>;

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
