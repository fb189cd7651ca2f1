/**
 * Credentials read from auth.json, lazily on each use so that a later
 * `codex login` is picked up without a restart.
 *
 * @module
 */
import type { AuthPathCandidate } from "./discover_auth_path.ts";
import { type AuthFile, type AuthTokens, parseAuthFile, signInError } from "./auth_file.ts";
import type { Credentials, CredentialSource } from "./credentials.ts";
import { readClaims } from "./jwt.ts";
import { ProxyError } from "../errors.ts";

/** Options of {@link FileCredentialSource}. */
export interface FileCredentialSourceOptions {
  candidates: AuthPathCandidate[];
  /** Text of the Codex CLI's config.toml, when one exists (keyring detection). */
  readCodexConfig?: () => string | undefined;
}

/** Reads credentials from the first existing auth.json candidate. */
export class FileCredentialSource implements CredentialSource {
  readonly #options: FileCredentialSourceOptions;

  constructor(options: FileCredentialSourceOptions) {
    this.#options = options;
  }

  /** The auth.json path in use now, or undefined when none exists. */
  async findPath(): Promise<string | undefined> {
    for (const c of this.#options.candidates) {
      try {
        const info = await Deno.stat(c.path);
        if (info.isFile) return c.path;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
    return undefined;
  }

  /** Reads and parses the current auth.json. */
  async read(): Promise<{ path: string; file: AuthFile & { tokens: AuthTokens } }> {
    const path = await this.findPath();
    if (path === undefined) throw this.missingError();
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) throw this.missingError();
      throw new ProxyError(500, `Cannot read ${path}: ${(err as Error).message}`);
    }
    return { path, file: parseAuthFile(text, path) };
  }

  async get(): Promise<Credentials> {
    const { path, file } = await this.read();
    return toCredentials(file.tokens, path);
  }

  recover(): Promise<Credentials> {
    return this.get();
  }

  /** The 401 for "no auth.json anywhere", naming every path tried. */
  missingError(): ProxyError {
    const tried = this.#options.candidates.map((c) => `${c.path} (${c.from})`).join(", ");
    const toml = this.#options.readCodexConfig?.();
    if (toml && /^\s*cli_auth_credentials_store\s*=\s*"keyring"/m.test(toml)) {
      return signInError(
        `No auth.json found (tried ${tried}): the Codex CLI keeps its credentials in the OS keyring. ` +
          'Set `cli_auth_credentials_store = "file"` in its config.toml, then',
      );
    }
    return signInError(`No auth.json found (tried ${tried || "no path: HOME is not set"}).`);
  }
}

/** Builds a credential snapshot from auth.json tokens. */
export function toCredentials(tokens: AuthTokens, path: string): Credentials {
  const claims = readClaims(tokens.access_token);
  const idClaims = tokens.id_token ? readClaims(tokens.id_token) : {};
  const accountId = tokens.account_id || claims.accountId || idClaims.accountId;
  if (!accountId) throw signInError(`${path} has no ChatGPT account id.`);
  return {
    accessToken: tokens.access_token,
    accountId,
    planType: claims.planType ?? idClaims.planType,
    expiresAt: claims.exp !== undefined ? claims.exp * 1000 : undefined,
    path,
  };
}
