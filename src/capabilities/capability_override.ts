/**
 * The per-request capability override (`codex_capabilities`), read from its
 * three places and checked against the allowed values.
 *
 * @module
 */
import { CAPABILITY_VALUES, type PartialCapabilities } from "./schema.ts";
import { badRequest } from "../errors.ts";
import { takeOverrideLayers } from "./take_override_layers.ts";

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
  // Every key and value was checked above: a copy, so later changes to the body do not leak in.
  return { ...value } as PartialCapabilities;
}
