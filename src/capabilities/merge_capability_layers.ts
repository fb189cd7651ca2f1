/**
 * Built-in defaults ← backend defaults ← per-request override, into one
 * frozen capability set that later stages read (docs/architecture.md).
 *
 * @module
 */
import { type Capabilities, ENTHUSIAST_MODE, type PartialCapabilities } from "./schema.ts";

/**
 * Merges capabilities. `codex_passthrough` follows `protocol` (true for
 * `openai-responses`) unless some layer sets it explicitly.
 */
export function mergeCapabilityLayers(
  backendDefaults: PartialCapabilities,
  override: PartialCapabilities = {},
): Readonly<Capabilities> {
  const merged: Capabilities = { ...ENTHUSIAST_MODE, ...backendDefaults, ...override };
  const passthroughSet = backendDefaults.codex_passthrough !== undefined ||
    override.codex_passthrough !== undefined;
  if (!passthroughSet) merged.codex_passthrough = merged.protocol === "openai-responses";
  return Object.freeze(merged);
}
