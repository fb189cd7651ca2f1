/**
 * Headers sent upstream (docs/backend-protocol.md#request-headers). The
 * client's own headers are never copied, so its `Authorization` and
 * hop-by-hop headers cannot leak through.
 *
 * @module
 */
import type { Credentials } from "../auth/credentials.ts";
import type { ResolvedBackend } from "../config/load_config.ts";

/** What varies between hosts in the User-Agent. */
export interface HostInfo {
  os: string;
  arch: string;
}

/** Builds the upstream headers for one request. */
export function upstreamHeaders(
  credentials: Credentials,
  options: { backend: ResolvedBackend; conversationId: string; requestId: string; host: HostInfo },
): Headers {
  const { backend } = options;
  const headers = new Headers({
    "authorization": `Bearer ${credentials.accessToken}`,
    "chatgpt-account-id": credentials.accountId,
    "originator": backend.originator,
    "user-agent":
      `${backend.originator}/${backend.client_version} (${options.host.os}; ${options.host.arch}) codexgate`,
    "session-id": options.conversationId,
    "thread-id": options.conversationId,
    "x-client-request-id": options.requestId,
    "accept": "text/event-stream",
    "content-type": "application/json",
  });
  for (const [name, value] of Object.entries(backend.extra_headers)) headers.set(name, value);
  return headers;
}
