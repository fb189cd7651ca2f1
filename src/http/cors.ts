/**
 * CORS for browser-based clients: off unless `server.cors_origins` lists
 * origins (or `*`). Answers preflights itself, before any key check, since
 * browsers send no credentials on a preflight.
 *
 * @module
 */

/** Headers a browser client may read from an answer. */
const EXPOSED = "x-request-id, retry-after, x-codex-primary-used-percent, " +
  "x-codex-primary-window-minutes, x-codex-primary-reset-after-seconds, " +
  "x-codex-primary-reset-at, x-codex-secondary-used-percent, " +
  "x-codex-secondary-window-minutes, x-codex-secondary-reset-after-seconds, " +
  "x-codex-secondary-reset-at, x-codex-plan-type, x-codexgate-reasoning-effort, " +
  "x-codexgate-ignored-params, x-codexgate-cached-tokens, x-codexgate-account, x-codexgate-compaction";

/** Wraps a handler with CORS for `origins`; returns it unchanged when the list is empty. */
export function withCors<A extends unknown[]>(
  inner: (request: Request, ...rest: A) => Promise<Response>,
  origins: readonly string[],
): (request: Request, ...rest: A) => Promise<Response> {
  if (origins.length === 0) return inner;
  const any = origins.includes("*");
  const allowed = new Set(origins.map((o) => o.replace(/\/+$/, "").toLowerCase()));
  return async (request, ...rest) => {
    const origin = request.headers.get("origin");
    const ok = origin !== null && (any || allowed.has(origin.toLowerCase()));
    if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
      if (!ok) return new Response(null, { status: 403, headers: { vary: "Origin" } });
      return new Response(null, {
        status: 204,
        headers: {
          ...allowOrigin(origin!, any),
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": request.headers.get("access-control-request-headers") ??
            "authorization, content-type, x-api-key",
          "access-control-max-age": "600",
        },
      });
    }
    const response = await inner(request, ...rest);
    // A WebSocket upgrade (101) cannot be rebuilt, and CORS does not apply to it.
    if (!ok || response.status === 101) return response;
    const headers = new Headers(response.headers);
    for (const [k, v] of Object.entries(allowOrigin(origin!, any))) headers.set(k, v);
    headers.set("access-control-expose-headers", EXPOSED);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

function allowOrigin(origin: string, any: boolean): Record<string, string> {
  return any
    ? { "access-control-allow-origin": "*" }
    : { "access-control-allow-origin": origin, vary: "Origin" };
}
