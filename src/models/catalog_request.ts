/**
 * The one request for a backend's model catalog (`GET {base}/models`), sent
 * by the catalog service and by `codexgate doctor`'s reachability check.
 *
 * @module
 */
import type { ResolvedBackend } from "../config/load_config.ts";
import { type HostInfo, type UpstreamAccount, upstreamHeaders } from "../upstream/headers.ts";

/** Options of {@link catalogRequest}. */
export interface CatalogRequestOptions {
  /** The account to ask as; without it the request carries no sign-in (reachability only). */
  credentials?: UpstreamAccount;
  host: HostInfo;
  /** Fresh id for the session and request-id headers. */
  requestId: string;
}

/**
 * The catalog URL and headers for `backend`.
 *
 * @example
 * ```ts
 * const { url, headers } = catalogRequest(backend, { credentials, host, requestId: crypto.randomUUID() });
 * const res = await fetch(url, { headers });
 * ```
 */
export function catalogRequest(
  backend: ResolvedBackend,
  options: CatalogRequestOptions,
): { url: string; headers: Headers } {
  const url = `${backend.base_url}/models?client_version=${
    encodeURIComponent(backend.client_version)
  }`;
  const headers = options.credentials
    ? upstreamHeaders(options.credentials, {
      backend,
      conversationId: options.requestId,
      requestId: options.requestId,
      host: options.host,
    })
    : new Headers();
  headers.set("accept", "application/json");
  headers.delete("content-type");
  return { url, headers };
}
