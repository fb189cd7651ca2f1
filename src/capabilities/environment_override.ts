/**
 * The per-request values of the `<environment_context>` message: a client
 * states its own cwd, shell, … because the proxy may run on another machine
 * and never reads them from its own host. Three places, later wins, like
 * capabilities: `extra_body.codex_environment`, top-level
 * `codex_environment`, header `x-codex-environment` (JSON).
 *
 * @module
 */
import { badRequest } from "../errors.ts";
import { takeOverrideLayers } from "./take_override_layers.ts";

/** The keys of the environment context, in the order the message lists them. */
export const ENVIRONMENT_KEYS = [
  "cwd",
  "approval_policy",
  "sandbox_mode",
  "network_access",
  "shell",
] as const;

/**
 * Values of the `<environment_context>` message (config `environment_context`,
 * whose zod schema config/schema.ts builds from {@link ENVIRONMENT_KEYS}).
 */
export type EnvironmentContext = { [K in (typeof ENVIRONMENT_KEYS)[number]]?: string };

/**
 * Reads and removes the request's environment values so they never reach upstream.
 *
 * @throws {ProxyError} 400 naming an unknown key or a non-string value.
 */
export function takeEnvironmentOverride(
  body: Record<string, unknown>,
  headers: Headers,
): EnvironmentContext | undefined {
  const layers = takeOverrideLayers(body, headers, {
    field: "codex_environment",
    header: "x-codex-environment",
    code: "invalid_environment",
  });
  if (layers.length === 0) return undefined;
  const result: EnvironmentContext = {};
  for (const [where, value] of layers) Object.assign(result, validate(where, value));
  return result;
}

function validate(where: string, value: unknown): EnvironmentContext {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest(`${where}: expected an object with keys ${ENVIRONMENT_KEYS.join(", ")}`, {
      param: where,
      code: "invalid_environment",
    });
  }
  const out: EnvironmentContext = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(ENVIRONMENT_KEYS as readonly string[]).includes(key)) {
      throw badRequest(
        `${where}.${key}: unknown key; known keys are ${ENVIRONMENT_KEYS.join(", ")}`,
        { param: `${where}.${key}`, code: "invalid_environment" },
      );
    }
    if (typeof v !== "string") {
      throw badRequest(`${where}.${key}: expected a string, got ${JSON.stringify(v)}`, {
        param: `${where}.${key}`,
        code: "invalid_environment",
      });
    }
    out[key as keyof EnvironmentContext] = v;
  }
  return out;
}
