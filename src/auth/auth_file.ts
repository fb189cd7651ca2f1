/**
 * auth.json as the Codex CLI writes it
 * (docs/backend-protocol.md#what-the-file-holds). The schema keeps unknown
 * fields so a write-back never loses what another program stored.
 *
 * @module
 */
import { z } from "zod";
import { ProxyError } from "../errors.ts";
import { formatIssues } from "../config/format_issues.ts";

/** Schema of the `tokens` object. */
export const authTokensSchema = z.looseObject({
  id_token: z.string().optional(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  account_id: z.string().nullish(),
});

/** Schema of auth.json; unknown keys are kept. */
export const authFileSchema = z.looseObject({
  auth_mode: z.string().nullish(),
  OPENAI_API_KEY: z.string().nullish(),
  tokens: authTokensSchema.nullish(),
  last_refresh: z.string().nullish(),
});

/** Parsed auth.json. */
export type AuthFile = z.infer<typeof authFileSchema>;

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
  const parsed = authFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw signInError(`${path} has an unexpected shape (${formatIssues(parsed.error.issues)}).`);
  }
  const file = parsed.data;
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

/** The `tokens` object. */
export type AuthTokens = z.infer<typeof authTokensSchema>;
