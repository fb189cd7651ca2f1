/**
 * Where the client's system prompt goes under each `prompt_mode`
 * (docs/clients.md#capabilities):
 * shared by the rebuilt and the passthrough translation.
 *
 * @module
 */
import type { Capabilities } from "../capabilities/schema.ts";

/** Places the client's system prompt per `prompt_mode` (docs/clients.md#capabilities). */
export function placeSystemPrompt(
  clientSystem: string,
  baseInstructions: string,
  mode: Capabilities["prompt_mode"],
): { instructions: string; leadingDeveloper?: string } {
  switch (mode) {
    case "custom_only":
      return { instructions: clientSystem || baseInstructions };
    case "merge_custom":
      return {
        instructions: clientSystem ? `${baseInstructions}\n\n${clientSystem}` : baseInstructions,
      };
    case "codex_default":
      return { instructions: baseInstructions, leadingDeveloper: clientSystem || undefined };
  }
}
