/**
 * The proxy's own client keys (`server.api_key`, and the named
 * `server.api_keys`): `Authorization: Bearer <key>` or `x-api-key: <key>`,
 * compared in constant time. The key is only checked here; a named key's name
 * (never the key) goes into the log line, the usage history and the metrics.
 * Nothing of the client's headers is ever sent upstream. The status page's
 * session cookie stands in for a key on the page's GET routes only, never on
 * a completion (docs/status-page.md#the-api-key).
 *
 * @module
 */
import { sha256 } from "../core/sha256.ts";
import { ProxyError } from "../errors.ts";

/** The routes a status-page session may read: GET only, no completion. */
export const SESSION_READ_PATHS: ReadonlySet<string> = new Set([
  "/",
  "/ui",
  "/status",
  "/status/events",
  "/v1/usage",
]);

/** How to recognise a status-page session, and the route path it is asked for. */
export interface SessionCheck {
  path: string;
  hasSession: (request: Request) => boolean;
}

/** A key a client may send; named keys tell clients apart. */
export interface ClientKey {
  name?: string;
  key: string;
}

/** Every key of the server config: the single `api_key` (unnamed) and the named `api_keys`. */
export function clientKeys(
  server: { api_key: string | null; api_keys: readonly { name: string; key: string }[] },
): ClientKey[] {
  return [...(server.api_key !== null ? [{ key: server.api_key }] : []), ...server.api_keys];
}

/**
 * Checks the client's key against `keys` (none: open) and returns the
 * matching key's name, if it has one. With `session`, a valid status-page
 * session opens {@link SESSION_READ_PATHS} to GET.
 *
 * @throws {ProxyError} 401 `invalid_api_key` when it is missing or wrong.
 */
export function requireClientKey(
  request: Request,
  keys: readonly ClientKey[],
  session?: SessionCheck,
): string | undefined {
  if (keys.length === 0) return undefined;
  if (
    session && request.method === "GET" && SESSION_READ_PATHS.has(session.path) &&
    session.hasSession(request)
  ) return undefined;
  const authorization = request.headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  // Some clients send both (an SDK's own key header plus a bearer): either may carry it.
  const given = [bearer, request.headers.get("x-api-key")?.trim()].filter((v): v is string =>
    v !== undefined && v !== ""
  );
  if (given.length === 0) {
    throw new ProxyError(
      401,
      "This codexgate requires an API key: send `Authorization: Bearer <key>` or `x-api-key: <key>` (server.api_key).",
      { code: "missing_api_key", type: "authentication_error" },
    );
  }
  // Every candidate meets every key, so timing tells neither which header nor which key matched.
  let match: ClientKey | undefined;
  for (const key of keys) {
    for (const g of given) if (sameSecret(g, key.key) && !match) match = key;
  }
  if (!match) {
    throw new ProxyError(401, "The API key is not one configured in server.api_key / api_keys.", {
      code: "invalid_api_key",
      type: "authentication_error",
    });
  }
  return match.name;
}

/** Constant-time equality: hashing first makes the lengths equal too. */
export function sameSecret(a: string, b: string): boolean {
  const x = sha256(a);
  const y = sha256(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}
