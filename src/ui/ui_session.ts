/**
 * The status page's session: the key is typed once into the page, which
 * POSTs it as JSON to `/ui/session`; the answer sets a cookie holding an
 * HMAC of the key under a secret made fresh for this process (never the
 * key itself), HttpOnly and SameSite=Strict. The cookie opens the UI's GET
 * routes only (src/http/api_key.ts). A restart or a new key ends every
 * session. See docs/status-page.md#the-api-key.
 *
 * @module
 */
import { hmacSha256, toBase64 } from "../core/sha256.ts";
import { ProxyError } from "../errors.ts";
import { sameSecret } from "../http/api_key.ts";
import { UI_SECURITY_HEADERS } from "./security_headers.ts";

/** The cookie's name. */
export const SESSION_COOKIE = "codexgate_session";

/** Issues and checks session cookies for one process and its configured keys. */
export class UiSessions {
  readonly #secret = crypto.getRandomValues(new Uint8Array(32));
  /** The cookie each configured key earns; empty when no key is configured. */
  readonly #expected: readonly string[];

  constructor(keys: readonly string[]) {
    this.#expected = keys.map((key) => this.#token(key));
  }

  /** Compares with every expected cookie, so timing does not tell which matched. */
  #matches(token: string): boolean {
    let match = false;
    for (const expected of this.#expected) if (sameSecret(token, expected)) match = true;
    return match;
  }

  #token(key: string): string {
    return toBase64(hmacSha256(this.#secret, key), true);
  }

  /** Whether the request carries a valid session cookie. */
  has(request: Request): boolean {
    const given = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
    return given !== undefined && this.#matches(given);
  }

  /**
   * `POST /ui/session` with `{"key": "…"}`: 204 with the cookie when the key
   * is the configured one.
   *
   * @throws {ProxyError} 400 for a body that is not that JSON, 401 for a wrong key.
   */
  async open(
    request: Request,
    readJson: () => Promise<Record<string, unknown>>,
  ): Promise<Response> {
    if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
      throw new ProxyError(415, 'Send the key as JSON: {"key": "…"}.', {
        code: "unsupported_media_type",
      });
    }
    let key: unknown;
    try {
      key = (await readJson()).key;
    } catch (err) {
      // Not JSON at all: the same answer as JSON without a key.
      if (!(err instanceof ProxyError && err.code === "invalid_json")) throw err;
      key = undefined;
    }
    if (typeof key !== "string" || key === "") {
      throw new ProxyError(400, 'Send the key as JSON: {"key": "…"}.', {
        code: "invalid_request",
      });
    }
    if (this.#expected.length === 0) {
      // No key configured: the page needs no session.
      return new Response(null, { status: 204, headers: UI_SECURITY_HEADERS });
    }
    const token = this.#token(key);
    if (!this.#matches(token)) {
      throw new ProxyError(401, "The API key is not one configured in server.api_key / api_keys.", {
        code: "invalid_api_key",
        type: "authentication_error",
      });
    }
    return new Response(null, {
      status: 204,
      headers: {
        ...UI_SECURITY_HEADERS,
        "set-cookie": `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      },
    });
  }
}

/** One cookie's value from a `Cookie` header. */
function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
