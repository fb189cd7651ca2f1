/**
 * Writes a new sign-in to auth.json in the shape the Codex CLI writes
 * (docs/sign-in.md), through the same lock + atomic 0600 protocol as a
 * refresh: a crash or Ctrl-C at any moment leaves the old file or the new
 * one, never a torn one, and a running codexgate or Codex CLI picks it up.
 *
 * @module
 */
import { dirname } from "node:path";
import { parseAuthFile } from "../auth/auth_file.ts";
import { type AuthSnapshot, toCredentials } from "../auth/auth_snapshot.ts";
import { replaceAuthFile, withAuthLock } from "../auth/auth_write_locks.ts";
import { readClaims } from "../auth/jwt.ts";
import type { IssuedTokens } from "./exchange_code.ts";
import { LoginError } from "./login_error.ts";

/**
 * auth.json for `tokens`: `account_id` from the id token's claim (the
 * access token's as a fallback); no API key (the Codex backend needs none).
 *
 * @throws {LoginError} when neither token names a ChatGPT account.
 */
export function signInFile(tokens: IssuedTokens, nowMs: number): Record<string, unknown> {
  const accountId = readClaims(tokens.id_token).accountId ??
    readClaims(tokens.access_token).accountId;
  if (!accountId) {
    throw new LoginError(
      "the issuer's tokens name no ChatGPT account (claim chatgpt_account_id); " +
        "sign in with a ChatGPT account; nothing was written",
    );
  }
  return {
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: tokens.id_token,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      account_id: accountId,
    },
    last_refresh: new Date(nowMs).toISOString(),
  };
}

/** Options of {@link writeSignIn}. */
export interface WriteSignInOptions {
  platform: string;
  /** Epoch ms, for `last_refresh`. */
  now: () => number;
  lockTimeoutMs: number;
}

/**
 * Replaces (or creates) `path` with the sign-in, creating its directory
 * (0700) when missing. Returns what was written, parsed as a reader would.
 *
 * @throws {LoginError} when the tokens name no account.
 * @throws {ProxyError} when the locks stay taken.
 */
export async function writeSignIn(
  path: string,
  tokens: IssuedTokens,
  options: WriteSignInOptions,
): Promise<AuthSnapshot> {
  const file = signInFile(tokens, options.now());
  const text = JSON.stringify(file, null, 2) + "\n";
  // Parsed before anything touches the disk: a file codexgate could not use is never written.
  const parsed = parseAuthFile(text, path);
  const snapshot: AuthSnapshot = {
    path,
    raw: file,
    file: parsed,
    credentials: toCredentials(parsed.tokens, path),
  };
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const locks = {
    timeoutMs: options.lockTimeoutMs,
    gaveUp: "codexgate did not write the new sign-in",
  };
  await withAuthLock(
    path,
    () => replaceAuthFile(path, text, { ...locks, platform: options.platform }),
    locks,
  );
  return snapshot;
}
