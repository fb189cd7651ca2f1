/**
 * Stage 2 of 5: built-in defaults ← backend defaults ← per-request override,
 * into one frozen capability set that later stages read (spec §9).
 *
 * @module
 */
import {
  type Capabilities,
  CAPABILITY_VALUES,
  ENTHUSIAST_MODE,
  type PartialCapabilities,
  partialCapabilitiesSchema,
} from "../capabilities/schema.ts";
import { badRequest } from "../errors.ts";
import { takeOverrideLayers } from "../http/take_override_layers.ts";

/**
 * Merges capabilities. `codex_passthrough` follows `protocol` (true for
 * `openai-responses`) unless some layer sets it explicitly.
 */
export function mergeCapabilities(
  backendDefaults: PartialCapabilities,
  override: PartialCapabilities = {},
): Readonly<Capabilities> {
  const merged: Capabilities = { ...ENTHUSIAST_MODE, ...backendDefaults, ...override };
  const passthroughSet = backendDefaults.codex_passthrough !== undefined ||
    override.codex_passthrough !== undefined;
  if (!passthroughSet) merged.codex_passthrough = merged.protocol === "openai-responses";
  return Object.freeze(merged);
}

/**
 * Reads the per-request override from its three places, later wins:
 * `extra_body.codex_capabilities`, top-level `codex_capabilities`, header
 * `x-codex-capabilities` (JSON). Removes them from `body` so they never reach
 * upstream.
 *
 * @throws {ProxyError} 400 naming the bad key and its allowed values.
 */
export function takeCapabilityOverride(
  body: Record<string, unknown>,
  headers: Headers,
): PartialCapabilities | undefined {
  const layers = takeOverrideLayers(body, headers, {
    field: "codex_capabilities",
    header: "x-codex-capabilities",
    code: "invalid_capabilities",
  });
  if (layers.length === 0) return undefined;
  let result: PartialCapabilities = {};
  for (const [where, value] of layers) result = { ...result, ...validateOverride(where, value) };
  return result;
}

/** Validates one override layer. */
export function validateOverride(where: string, value: unknown): PartialCapabilities {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest(`${where}: expected an object of capability keys`, {
      param: where,
      code: "invalid_capabilities",
    });
  }
  const allowed = CAPABILITY_VALUES as Record<string, readonly unknown[]>;
  for (const [key, v] of Object.entries(value)) {
    if (!Object.hasOwn(allowed, key)) {
      throw badRequest(
        `${where}.${key}: unknown capability; known keys are ${Object.keys(allowed).join(", ")}`,
        { param: `${where}.${key}`, code: "invalid_capabilities" },
      );
    }
    if (!allowed[key].includes(v)) {
      throw badRequest(
        `${where}.${key}: expected one of ${allowed[key].map(String).join(", ")}, got ${
          JSON.stringify(v)
        }`,
        { param: `${where}.${key}`, code: "invalid_capabilities" },
      );
    }
  }
  return partialCapabilitiesSchema.parse(value);
}
