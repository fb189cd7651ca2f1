/**
 * The fixed values the config's defaults are made of: the backend's and the
 * sign-in's endpoints, the client id and version codexgate presents, the
 * config file's name. Shared by the schema and the embedded defaults.
 *
 * @module
 */

/** Default Codex backend base URL (docs/backend-protocol.md#endpoints). */
export const DEFAULT_BASE_URL = "https://chatgpt.com/backend-api/codex";
/** Default OAuth token endpoint (docs/backend-protocol.md#endpoints). */
export const DEFAULT_TOKEN_URL = "https://auth.openai.com/oauth/token";
/** The Codex CLI's public OAuth client id (docs/backend-protocol.md#endpoints). */
export const DEFAULT_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
/** Default OAuth issuer of `codexgate login` (docs/sign-in.md). */
export const DEFAULT_ISSUER = "https://auth.openai.com";
/** The callback ports the issuer accepts for the Codex CLI's client id: 1455, then 1457. */
export const DEFAULT_CALLBACK_PORTS: readonly number[] = [1455, 1457];
/** The Codex CLI version codexgate presents itself as; the backend refuses very old ones. */
export const DEFAULT_CLIENT_VERSION = "0.169.0";
/** Default config file name looked for in the working directory. */
export const DEFAULT_CONFIG_FILE = "config.yaml";
