/**
 * What a person needs to know about a backend's sign-in, without a secret:
 * where auth.json is, whose account, which plan, when the access token
 * expires. Shared by the startup log and `codexgate auth status`.
 *
 * @module
 */
import type { ResolvedBackend } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import { credentialSourceFor } from "./credential_source_for.ts";
import { shortAccount } from "./auth_snapshot.ts";
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

/** Result of {@link inspectAuth}. */
export type AuthInspection = AuthFound | AuthMissing;

/** Inputs of {@link inspectAuth}. */
export interface InspectAuthOptions {
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
}

/**
 * Reads (never refreshes) the sign-in `backend` would use.
 *
 * @example
 * ```ts
 * const info = await inspectAuth(config.backends.openai_codex, { env: Deno.env.toObject(), platform: Deno.build.os });
 * ```
 */
export async function inspectAuth(
  backend: ResolvedBackend,
  options: InspectAuthOptions,
): Promise<AuthInspection> {
  const { source, candidates } = credentialSourceFor(backend, options);
  let path: string | undefined;
  try {
    path = await source.findPath();
    const snapshot = await source.read();
    const stat = await Deno.stat(snapshot.path);
    const idClaims = snapshot.file.tokens.id_token ? readClaims(snapshot.file.tokens.id_token) : {};
    return {
      ok: true,
      backend: backend.name,
      path: snapshot.path,
      from: candidates.find((c) => c.path === snapshot.path)?.from ?? "unknown",
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
      return { ok: false, backend: backend.name, path, message: err.message };
    }
    return { ok: false, backend: backend.name, path, message: (err as Error).message };
  }
}
