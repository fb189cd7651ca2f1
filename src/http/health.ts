/**
 * `GET /health`: up, which version, for how long, and each backend's
 * effective default capabilities. Needs no key and reads no credentials.
 *
 * @module
 */
import { mergeCapabilityLayers } from "../capabilities/merge_capability_layers.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import { VERSION } from "../version.ts";

/** The `/health` JSON. */
export function health(
  config: ResolvedConfig,
  uptime: { now: number; startedAt: number },
): Record<string, unknown> {
  return {
    status: "ok",
    version: VERSION,
    uptime_seconds: Math.round((uptime.now - uptime.startedAt) / 1000),
    backends: Object.fromEntries(
      Object.values(config.backends).map((b) => [b.name, {
        type: b.type,
        default_capabilities: mergeCapabilityLayers(b.extra.codex.default_capabilities),
      }]),
    ),
  };
}
