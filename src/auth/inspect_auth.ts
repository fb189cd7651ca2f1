/**
 * What a person needs to know about a backend's sign-in, without a secret:
 * where auth.json is, whose account, which plan, when the access token
 * expires. The credential service's `inspect`, read by the startup log,
 * `codexgate auth status` and `codexgate doctor`.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { shortAccount } from "./auth_snapshot.ts";
import type { FileCredentialSource } from "./file_credential_source.ts";
import { readClaims } from "./jwt.ts";
import { writeBlocker } from "./probe_writable.ts";

/** A usable (or at least readable) sign-in. */
export interface AuthFound {
  ok: true;
  backend: string;
  path: string;
  /** Why this path was tried (config auth_path, OPENAI_CODEX_PATH, …). */
  from: string;
  /** Permission bits, when the platform has them. */
  mode?: number;
  authMode: string;
  /** Shortened; the full id is never shown. */
  account: string;
  planType?: string;
  email?: string;
  /** Access-token expiry, epoch ms. */
  expiresAt?: number;
  lastRefresh?: string;
  /** Why a refreshed sign-in could not be written beside auth.json, when it could not. */
  writeBlocker?: string;
}

/** No usable sign-in; `message` says why and what to do. */
export interface AuthMissing {
  ok: false;
  backend: string;
  path?: string;
  message: string;
}

/** Result of {@link inspectFileSource}. */
export type AuthInspection = AuthFound | AuthMissing;

/**
 * Reads (never refreshes) the sign-in in `source`, for the backend named
 * `backend`; the credential service answers `inspect` with it.
 */
export async function inspectFileSource(
  backend: string,
  source: FileCredentialSource,
): Promise<AuthInspection> {
  let path: string | undefined;
  try {
    path = await source.findPath();
    const snapshot = await source.read();
    const stat = await Deno.stat(snapshot.path);
    const idClaims = snapshot.file.tokens.id_token ? readClaims(snapshot.file.tokens.id_token) : {};
    return {
      ok: true,
      backend,
      path: snapshot.path,
      from: source.candidates.find((c) => c.path === snapshot.path)?.from ?? "unknown",
      mode: stat.mode === null ? undefined : stat.mode & 0o777,
      authMode: snapshot.file.auth_mode ?? "chatgpt",
      account: shortAccount(snapshot.credentials.accountId),
      planType: snapshot.credentials.planType,
      email: idClaims.email,
      expiresAt: snapshot.credentials.expiresAt,
      lastRefresh: snapshot.file.last_refresh ?? undefined,
      writeBlocker: await writeBlocker(snapshot.path),
    };
  } catch (err) {
    if (err instanceof ProxyError) {
      return { ok: false, backend, path, message: err.message };
    }
    return { ok: false, backend, path, message: (err as Error).message };
  }
}
