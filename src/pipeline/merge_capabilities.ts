/**
 * Stage 2 of 5: the capabilities one request runs with: the built-in
 * defaults, then the backend's `default_capabilities`, then the request's own
 * override (docs/architecture.md). Pure.
 *
 * @module
 */
import { mergeCapabilityLayers } from "../capabilities/merge_capability_layers.ts";
import type { Capabilities, PartialCapabilities } from "../capabilities/schema.ts";
import type { ResolvedBackend } from "../config/load_config.ts";

/**
 * Merges `backend`'s defaults with the request's `override`.
 *
 * @example
 * ```ts
 * const capabilities = mergeCapabilities(backend, { tool_text_format: "xml" });
 * ```
 */
export function mergeCapabilities(
  backend: ResolvedBackend,
  override?: PartialCapabilities,
): Readonly<Capabilities> {
  return mergeCapabilityLayers(backend.extra.codex.default_capabilities, override);
}
