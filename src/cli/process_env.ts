/**
 * The environment variables codexgate reads, in one list. The compiled binary
 * and `deno task start` are granted exactly these (the `env` allow-list of
 * deno.json's `proxy` permission set), and main.ts reads only these, so both
 * see the same environment.
 *
 * @module
 */

/** Every environment variable codexgate reads (a test keeps it complete). */
export const ENV_NAMES: readonly string[] = [
  "HOME",
  "USERPROFILE",
  "CODEX_HOME",
  "OPENAI_CODEX_PATH",
  "OPENAI_API_BASE_URL",
  "CODEX_REFRESH_TOKEN_URL_OVERRIDE",
  "CODEXGATE_LOGIN_ISSUER",
  "XDG_DATA_HOME",
  "LOCALAPPDATA",
];

/**
 * Reads the listed variables from the process environment. A variable the
 * permissions do not grant reads as unset instead of throwing.
 *
 * @example
 * ```ts
 * const env = readProcessEnv(); // { HOME: "/home/me", ... }
 * ```
 */
export function readProcessEnv(names: readonly string[] = ENV_NAMES): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    try {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied)) {
        throw err;
      }
    }
  }
  return env;
}
