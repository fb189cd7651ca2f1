/**
 * auth.json as the Codex CLI writes it
 * (docs/backend-protocol.md#what-the-file-holds). The schema keeps unknown
 * fields so a write-back never loses what another program stored.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";

/** The `tokens` object; unknown fields are kept. */
export interface AuthTokens {
  id_token?: string;
  access_token: string;
  refresh_token: string;
  account_id?: string | null;
  [key: string]: unknown;
}

/** Parsed auth.json; unknown fields are kept. */
export interface AuthFile {
  auth_mode?: string | null;
  OPENAI_API_KEY?: string | null;
  tokens?: AuthTokens | null;
  last_refresh?: string | null;
  [key: string]: unknown;
}

/**
 * What is wrong with the shape of parsed auth.json, one `path: problem` line
 * each, worded as the config errors word it; empty when it is an
 * {@link AuthFile}. Checked by hand, not with zod: every request reads
 * auth.json, and zod loads only with a config file
 * (docs/operations.md#startup).
 */
export function authFileIssues(raw: unknown): string[] {
  const issues: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const optional = (o: Record<string, unknown>, key: string, path: string, nullable: boolean) => {
    const v = o[key];
    if (v === undefined || (nullable && v === null)) return;
    if (typeof v !== "string") issues.push(`${path}: expected string`);
  };
  const required = (o: Record<string, unknown>, key: string, path: string) => {
    const v = o[key];
    if (typeof v !== "string") issues.push(`${path}: expected string`);
    else if (v === "") issues.push(`${path}: Too small: expected string to have >=1 characters`);
  };
  if (!isObject(raw)) return ["(root): expected object"];
  optional(raw, "auth_mode", "auth_mode", true);
  optional(raw, "OPENAI_API_KEY", "OPENAI_API_KEY", true);
  const tokens = raw.tokens;
  if (tokens !== undefined && tokens !== null) {
    if (!isObject(tokens)) issues.push("tokens: expected object");
    else {
      optional(tokens, "id_token", "tokens.id_token", false);
      required(tokens, "access_token", "tokens.access_token");
      required(tokens, "refresh_token", "tokens.refresh_token");
      optional(tokens, "account_id", "tokens.account_id", true);
    }
  }
  optional(raw, "last_refresh", "last_refresh", true);
  return issues;
}

/**
 * A 401 that tells the person to run `codexgate login` (or the Codex CLI's
 * `codex login`); never carries a secret.
 */
export function signInError(message: string, options: { again?: boolean } = {}): ProxyError {
  const hint = options.again === false ? "to sign in" : "to sign in again";
  return new ProxyError(401, `${message} Run \`codexgate login\` (or \`codex login\`) ${hint}.`, {
    code: "invalid_api_key",
    type: "authentication_error",
  });
}

/**
 * Parses auth.json text and checks it can drive the Codex backend.
 *
 * @throws {ProxyError} 401 when it cannot (API-key mode, no tokens, bad JSON).
 */
export function parseAuthFile(text: string, path: string): AuthFile & { tokens: AuthTokens } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw signInError(`${path} is not valid JSON.`);
  }
  const issues = authFileIssues(raw);
  if (issues.length > 0) {
    throw signInError(`${path} has an unexpected shape (${issues.join("\n")}).`);
  }
  const file = raw as AuthFile;
  // The Codex CLI obeys auth_mode: "apikey" means an API-key sign-in even if old tokens remain.
  if (file.auth_mode === "apikey" || (!file.tokens && file.OPENAI_API_KEY)) {
    throw new ProxyError(
      401,
      `${path} holds an OpenAI API key (auth_mode "apikey"), not a ChatGPT sign-in. ` +
        "The Codex backend needs ChatGPT tokens and codexgate never sends an API key to it: " +
        'run `codexgate login` (or `codex login` and choose "Sign in with ChatGPT").',
      { code: "invalid_api_key", type: "authentication_error" },
    );
  }
  if (!file.tokens) throw signInError(`${path} holds no ChatGPT tokens.`);
  return file as AuthFile & { tokens: AuthTokens };
}
