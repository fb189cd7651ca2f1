/**
 * Explains a missing auth.json when the Codex CLI keeps its sign-in in the
 * OS keyring instead (docs/backend-protocol.md#api-key-and-keyring-sign-ins).
 *
 * @module
 */
import { joinPath as join } from "../core/path.ts";

/**
 * Reads the Codex CLI's config.toml text; when it stores credentials in the
 * keyring (`cli_auth_credentials_store = "keyring"` or `"auto"`), returns a
 * sentence saying how to switch it to file storage.
 *
 * @example
 * ```ts
 * describeKeyringStorage('cli_auth_credentials_store = "keyring"'); // "the Codex CLI keeps …"
 * ```
 */
export function describeKeyringStorage(configToml: string | undefined): string | undefined {
  if (!configToml) return undefined;
  const match = /^\s*cli_auth_credentials_store\s*=\s*["'](keyring|auto)["']/m.exec(configToml);
  if (!match) return undefined;
  return `the Codex CLI's config.toml sets cli_auth_credentials_store = "${
    match[1]
  }", so its sign-in may be in the OS keyring, which codexgate cannot read. ` +
    'Set `cli_auth_credentials_store = "file"` in that config.toml.';
}

/** The Codex CLI's config.toml text in `codexHome`, or undefined when there is none. */
export function readCodexConfigToml(codexHome: string | undefined): string | undefined {
  if (!codexHome) return undefined;
  try {
    return Deno.readTextFileSync(join(codexHome, "config.toml"));
  } catch {
    return undefined;
  }
}
