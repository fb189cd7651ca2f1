/**
 * Keeps web pages in the user's browser from using codexgate (and so the
 * ChatGPT plan) behind the user's back:
 *
 * - `Host` must name this server: a loopback name or address, the bound
 *   address, any IP address when bound to all interfaces, or a name in
 *   `server.allowed_hosts`. A DNS-rebinding page reaches 127.0.0.1 under its
 *   own name, so its requests carry that name and are refused.
 * - A cross-site `Origin` must be listed in `server.cors_origins`. Browsers
 *   send `Origin` with every POST, even a "simple" `no-cors` one that needs
 *   no preflight, and `Sec-Fetch-Site` with the rest.
 *
 * Non-browser clients (SDKs, CLIs, curl) send neither header, or the right
 * Host, and never notice. See docs/security.md.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { isLoopback } from "./bind_guard.ts";

/** What the guard allows besides loopback. */
export interface BrowserGuardOptions {
  /** `server.host`, the address codexgate listens on. */
  bindHost: string;
  /** `server.allowed_hosts`: extra Host names (reverse proxy, LAN name); `*` allows any. */
  allowedHosts: readonly string[];
  /** `server.cors_origins`: origins whose pages may call codexgate; `*` allows any. */
  corsOrigins: readonly string[];
}

/** Builds the check once; it returns the refusal for a request, or undefined. */
export function browserGuard(
  options: BrowserGuardOptions,
): (request: Request) => ProxyError | undefined {
  const anyHost = options.allowedHosts.includes("*");
  const hosts = new Set(options.allowedHosts.map(normalizeHost));
  const bind = normalizeHost(options.bindHost);
  const wildcardBind = bind === "0.0.0.0" || bind === "::";
  const anyOrigin = options.corsOrigins.includes("*");
  const origins = new Set(options.corsOrigins.map(normalizeOrigin));

  const hostAllowed = (host: string): boolean => {
    const name = hostnameOf(host);
    if (name === undefined) return false;
    if (isLoopback(name) || name.endsWith(".localhost") || name === bind) return true;
    if (wildcardBind && isIpAddress(name)) return true;
    return hosts.has(name) || hosts.has(normalizeHost(host));
  };

  return (request) => {
    const host = request.headers.get("host");
    if (host !== null && !anyHost && !hostAllowed(host)) {
      return new ProxyError(
        403,
        `Host ${
          JSON.stringify(host)
        } is not a name this codexgate answers to (it listens on ${options.bindHost}). ` +
          `If a reverse proxy or a LAN name is meant to reach it, add the name to server.allowed_hosts.`,
        { code: "host_not_allowed", type: "permission_error" },
      );
    }
    if (anyOrigin) return undefined;
    const origin = request.headers.get("origin");
    if (origin !== null) {
      if (origins.has(normalizeOrigin(origin)) || sameOrigin(origin, host)) return undefined;
      return new ProxyError(
        403,
        `Requests from the web page at ${JSON.stringify(origin)} are refused: a browser page may ` +
          `use codexgate only when its origin is listed in server.cors_origins.`,
        { code: "origin_not_allowed", type: "permission_error" },
      );
    }
    // No Origin: a navigation (allowed) or a cross-site subresource load (img, script).
    const site = request.headers.get("sec-fetch-site");
    if (
      (site === "cross-site" || site === "same-site") &&
      request.headers.get("sec-fetch-mode") !== "navigate"
    ) {
      return new ProxyError(
        403,
        "Cross-site requests from web pages are refused; list the page's origin in server.cors_origins.",
        { code: "origin_not_allowed", type: "permission_error" },
      );
    }
    return undefined;
  };
}

/** `Example.test.` → `example.test`, `[::1]` → `::1`. */
function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "").replace(/^\[(.*)\]$/, "$1");
}

function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, "").toLowerCase();
}

/** The host name of a `Host` header value (port dropped), or undefined when it is not one. */
function hostnameOf(host: string): string | undefined {
  try {
    const url = new URL(`http://${host.trim()}/`);
    if (url.username || url.password || url.pathname !== "/") return undefined;
    return normalizeHost(url.hostname);
  } catch {
    return undefined;
  }
}

function isIpAddress(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(":");
}

function sameOrigin(origin: string, host: string | null): boolean {
  if (host === null) return false;
  try {
    return new URL(origin).host === new URL(`http://${host.trim()}/`).host;
  } catch {
    return false;
  }
}
