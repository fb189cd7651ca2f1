/**
 * Stage 1 of 5: who this request goes out as: the credentials of an account
 * of the backend its model routes to, from the credential service (auth.json
 * by default, refreshed when about to expire).
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { Credentials } from "../auth/credentials.ts";
import type { ResolvedBackend } from "../config/load_config.ts";

/** The outcome of stage 1. */
export interface ResolvedAuth {
  backend: ResolvedBackend;
  credentials: Credentials;
  /** The conversation the account was chosen for, when one was named. */
  conversation?: string;
}

/** Options of {@link resolveAuth}. */
export interface ResolveAuthOptions {
  credentials: CredentialService;
  /** Aborted when the client goes away (stops waiting for a refresh). */
  signal?: AbortSignal;
  /** The conversation, so that it stays on its account (docs/accounts.md). */
  conversation?: string;
}

/**
 * Resolves the credentials for `backend`.
 *
 * @throws {ProxyError} 401 when the backend has no usable sign-in.
 */
export async function resolveAuth(
  backend: ResolvedBackend,
  options: ResolveAuthOptions,
): Promise<ResolvedAuth> {
  const hint = options.conversation === undefined
    ? undefined
    : { conversation: options.conversation };
  const credentials = await options.credentials.get(backend.name, options.signal, hint);
  return hint
    ? { backend, credentials, conversation: hint.conversation }
    : { backend, credentials };
}
