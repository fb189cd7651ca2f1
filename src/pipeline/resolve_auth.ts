/**
 * Stage 1 of 5: the credentials for this request's backend, from that
 * backend's credential source (auth.json, refreshed when about to expire).
 *
 * @module
 */
import type { Credentials, CredentialSource } from "../auth/credentials.ts";
import type { ResolvedBackend } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import { clientClosedError } from "./client_closed.ts";

/** Credential sources by backend name, built once by the app. */
export type CredentialSources = ReadonlyMap<string, CredentialSource>;

/** Resolves credentials for `backend`. */
export async function resolveAuth(
  backend: ResolvedBackend,
  sources: CredentialSources,
  signal?: AbortSignal,
): Promise<{ source: CredentialSource; credentials: Credentials }> {
  const source = sources.get(backend.name);
  if (!source) {
    throw new ProxyError(500, `No credential source for backend ${backend.name}`);
  }
  try {
    return { source, credentials: await source.get(signal) };
  } catch (err) {
    if (signal?.aborted) throw clientClosedError(signal);
    throw err;
  }
}
