/**
 * What every WebSocket upgrade must pass before it is accepted: it is a
 * real upgrade (`GET` with `Upgrade: websocket`), and its `Origin`, when it
 * has one, is an origin `server.cors_origins` allows. Browsers send `Origin`
 * on an upgrade, and CORS does not protect WebSockets: without this check
 * any web page the user opens could drive the plan through a local
 * codexgate (docs/websocket-and-compaction.md#security). The API key is
 * checked by the route, as for every HTTP request.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";

/** Whether the request asks to become a WebSocket. */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.method === "GET" &&
    (request.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}

/**
 * Refuses an upgrade from a browser origin that is not listed. No `Origin`
 * header (a CLI, an SDK) passes; `*` in the list allows every origin.
 *
 * @throws {ProxyError} 403 `origin_not_allowed`.
 */
export function requireAllowedOrigin(request: Request, corsOrigins: readonly string[]): void {
  const origin = request.headers.get("origin");
  if (origin === null) return;
  const normalised = (o: string) => o.replace(/\/+$/, "").toLowerCase();
  if (corsOrigins.includes("*") || corsOrigins.some((o) => normalised(o) === normalised(origin))) {
    return;
  }
  throw new ProxyError(
    403,
    `WebSocket connections from the origin ${
      JSON.stringify(origin)
    } are refused: list it in server.cors_origins to allow it.`,
    { code: "origin_not_allowed", type: "permission_error" },
  );
}
