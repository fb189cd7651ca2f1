/**
 * The proxy's own client key (`server.api_key`): `Authorization: Bearer
 * <key>` or `x-api-key: <key>`, compared in constant time. The key is only
 * checked here; nothing of the client's headers is ever sent upstream. The
 * status page's session cookie stands in for the key on the page's GET
 * routes only, never on a completion (docs/status-page.md#the-api-key).
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
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

/**
 * Checks the client's key when one is configured. With `session`, a valid
 * status-page session opens {@link SESSION_READ_PATHS} to GET.
 *
 * @throws {ProxyError} 401 `invalid_api_key` when it is missing or wrong.
 */
export function requireApiKey(
  request: Request,
  expected: string | null,
  session?: SessionCheck,
): void {
  if (expected === null) return;
  if (
    session && request.method === "GET" && SESSION_READ_PATHS.has(session.path) &&
    session.hasSession(request)
  ) return;
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
  // Every candidate is compared, so timing does not tell which header matched.
  if (!given.map((g) => sameSecret(g, expected)).includes(true)) {
    throw new ProxyError(401, "The API key is not the one configured in server.api_key.", {
      code: "invalid_api_key",
      type: "authentication_error",
    });
  }
}

/** Constant-time equality: hashing first makes the lengths equal too. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
