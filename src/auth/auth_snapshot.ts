/**
 * One read of auth.json: the parsed file, its raw JSON (for a lossless
 * write-back) and the credentials it gives. Bearer and account id come from
 * the same read, so a request never pairs a new token with a stale account.
 *
 * @module
 */
import { type AuthFile, type AuthTokens, parseAuthFile, signInError } from "./auth_file.ts";
import type { Credentials } from "./credentials.ts";
import { readClaims } from "./jwt.ts";
import { ProxyError } from "../errors.ts";

/** One read of auth.json. */
export interface AuthSnapshot {
  path: string;
  raw: Record<string, unknown>;
  file: AuthFile & { tokens: AuthTokens };
  credentials: Credentials;
}

/** The text of auth.json; a missing file is `missing()`, any other failure a 500. */
export async function readAuthText(path: string, missing: () => ProxyError): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw missing();
    throw new ProxyError(500, `Cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Reads and parses auth.json. */
export async function readAuthSnapshot(
  path: string,
  missing: () => ProxyError,
): Promise<AuthSnapshot> {
  return parseAuthSnapshot(await readAuthText(path, missing), path);
}

/** Parses auth.json text into a snapshot. */
export function parseAuthSnapshot(text: string, path: string): AuthSnapshot {
  const file = parseAuthFile(text, path);
  const raw = JSON.parse(text) as Record<string, unknown>;
  return { path, raw, file, credentials: toCredentials(file.tokens, path) };
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

/** An account id shortened for logs and status output. */
export function shortAccount(accountId: string): string {
  return accountId.length <= 8 ? accountId : `${accountId.slice(0, 8)}…`;
}
