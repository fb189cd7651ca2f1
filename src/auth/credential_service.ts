/**
 * The one way to credentials. Every caller goes through it: a request
 * (resolveAuth), the retry after the backend refused a token (forward), the
 * model catalog, `GET /status`, `codexgate doctor`, `codexgate auth status`
 * and the startup log. It is keyed by backend name; which account of a
 * backend answers is the service's business, so several accounts per backend
 * fit behind the same three calls (docs/architecture.md).
 *
 * The embedded default keeps each backend's sign-in in its auth.json
 * ({@link FileCredentialSource}), found the same way everywhere.
 *
 * @module
 */
import type { ResolvedConfig } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { credentialSourceFor } from "./credential_source_for.ts";
import type { Credentials } from "./credentials.ts";
import type { FileCredentialSource } from "./file_credential_source.ts";
import { type AuthInspection, inspectFileSource } from "./inspect_auth.ts";

/** Credentials by backend name. */
export interface CredentialService {
  /** Credentials fit for a request to `backend` now (refreshed first when about to expire). */
  get(backend: string, signal?: AbortSignal): Promise<Credentials>;
  /**
   * `backend` refused `failed` (401/403): re-read, refresh when the stored
   * token is still `failed`'s, and return what to retry with.
   */
  recover(backend: string, failed: Credentials, signal?: AbortSignal): Promise<Credentials>;
  /** What a person needs to know about `backend`'s sign-in; never refreshes, never a secret. */
  inspect(backend: string): Promise<AuthInspection>;
  /** Why the sign-in in use is not saved to its file yet, when it is not (a failed write-back). */
  unsaved?(backend: string): string | undefined;
}

/** Options of {@link createCredentialService}. */
export interface CredentialServiceOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** `Deno.build.os` or a test's stand-in. */
  platform: string;
  /**
   * Refresh tokens that are about to expire or were refused (the proxy).
   * False: read only, as `doctor`, `auth status` and the startup log must be
   * (a refresh token is single-use).
   */
  refresh: boolean;
  /** A file named on the command line (`auth status --auth-path`): the only one looked at. */
  authPathFlag?: string;
  fetch?: typeof fetch;
  /** Epoch milliseconds. */
  now?: () => number;
  logger?: Logger;
  /** Told of every token refresh's outcome, with the backend (the metrics count them). */
  onRefresh?: (backend: string, outcome: "ok" | "failed") => void;
}

/**
 * Builds the auth.json-backed service for every backend of `config`.
 *
 * @example
 * ```ts
 * const credentials = createCredentialService(config, { env, platform: Deno.build.os, refresh: false });
 * const info = await credentials.inspect("openai_codex");
 * ```
 */
export function createCredentialService(
  config: ResolvedConfig,
  options: CredentialServiceOptions,
): CredentialService {
  const sources = new Map<string, FileCredentialSource>();
  for (const backend of Object.values(config.backends)) {
    const { source } = credentialSourceFor(backend, {
      env: options.env,
      platform: options.platform,
      authPathFlag: options.authPathFlag,
      fetch: options.fetch,
      now: options.now,
      logger: options.logger,
      onRefresh: (outcome) => options.onRefresh?.(backend.name, outcome),
      refresh: options.refresh
        ? {
          tokenUrl: backend.token_url,
          clientId: backend.client_id,
          marginMs: backend.refresh_margin_seconds * 1000,
        }
        : undefined,
    });
    sources.set(backend.name, source);
  }
  const sourceOf = (backend: string): FileCredentialSource => {
    const source = sources.get(backend);
    if (!source) throw new ProxyError(500, `No credential source for backend ${backend}`);
    return source;
  };
  return {
    get: (backend, signal) => sourceOf(backend).get(signal),
    recover: (backend, failed, signal) => sourceOf(backend).recover(failed, signal),
    inspect: (backend) => inspectFileSource(backend, sourceOf(backend)),
    unsaved: (backend) => sourceOf(backend).unsavedSignIn(),
  };
}
