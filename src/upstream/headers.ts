/**
 * Headers sent upstream (docs/backend-protocol.md#request-headers). The
 * client's own headers are never copied, so its `Authorization` and
 * hop-by-hop headers cannot leak through.
 *
 * @module
 */

/** The account a request goes out as (auth's `Credentials` are one). */
export interface UpstreamAccount {
  readonly accessToken: string;
  readonly accountId: string;
}

/** How codexgate presents itself to a backend (a configured backend is one). */
export interface ClientIdentity {
  originator: string;
  client_version: string;
  extra_headers: Readonly<Record<string, string>>;
}

/** What varies between hosts in the User-Agent. */
export interface HostInfo {
  os: string;
  arch: string;
}

/** Builds the upstream headers for one request. */
export function upstreamHeaders(
  credentials: UpstreamAccount,
  options: {
    backend: ClientIdentity;
    conversationId: string;
    requestId: string;
    host: HostInfo;
    /** The conversation's last `x-codex-turn-state` (docs/backend-protocol.md#turn-state). */
    turnState?: string;
    /** A Responses Lite request (docs/backend-protocol.md#responses-lite). */
    responsesLite?: boolean;
  },
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
  if (options.turnState) headers.set("x-codex-turn-state", options.turnState);
  if (options.responsesLite) headers.set("x-openai-internal-codex-responses-lite", "true");
  for (const [name, value] of Object.entries(backend.extra_headers)) headers.set(name, value);
  return headers;
}
