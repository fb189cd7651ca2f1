/**
 * One call to the OAuth token endpoint with a refresh token
 * (docs/backend-protocol.md#the-token-endpoint). Knows nothing about files
 * or locks; the caller decides when to call it.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";

/** The token endpoint's answer to a refresh. */
export interface RefreshedTokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
}

/** What {@link refreshTokens} needs. */
export interface RefreshTokensOptions {
  tokenUrl: string;
  clientId: string;
  fetch: typeof fetch;
  /** Milliseconds before the call is given up. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Token-endpoint error codes that mean the refresh token is spent or revoked. */
export const SIGN_IN_AGAIN_CODES: ReadonlySet<string> = new Set([
  "refresh_token_reused",
  "invalid_grant",
  "refresh_token_expired",
  "refresh_token_invalidated",
]);

/**
 * The token endpoint refused the refresh token (spent, expired or revoked):
 * only a new sign-in helps. The message never holds a secret.
 */
export class TokenRefreshError extends Error {
  /** The endpoint's error code (`refresh_token_reused`, `invalid_grant`, …) or `http_401`. */
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = "TokenRefreshError";
    this.code = code;
    this.status = status;
  }

  /** True when another program may have used the token first (a lost race, not a revocation). */
  get mayBeLostRace(): boolean {
    return this.code === "refresh_token_reused" || this.code === "invalid_grant";
  }
}

/** A JSON object (not an array, not null). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The error code of a refusal: `{"error": "code"}`, `{"error": {"code"|"type": …}}`
 * or `{"code": …}`; undefined when the body has none of these shapes. Read by
 * hand: zod loads only with a config file (docs/operations.md#startup).
 */
function refusalCode(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  const { error, code } = json;
  if (code !== undefined && typeof code !== "string") return undefined;
  let fromError: string | undefined;
  if (typeof error === "string") fromError = error;
  else if (isObject(error)) {
    const inner = [error.code, error.type];
    if (inner.some((v) => v !== undefined && v !== null && typeof v !== "string")) return undefined;
    fromError = (error.code ?? error.type ?? undefined) as string | undefined;
  } else if (error !== undefined) return undefined;
  return fromError ?? code;
}

/** The tokens of a successful answer: `access_token`, and the others when sent (never empty). */
function answeredTokens(json: unknown): RefreshedTokens | undefined {
  if (!isObject(json)) return undefined;
  const { access_token, id_token, refresh_token } = json;
  const optional = (v: unknown) => v === undefined || (typeof v === "string" && v !== "");
  if (typeof access_token !== "string" || access_token === "") return undefined;
  if (!optional(id_token) || !optional(refresh_token)) return undefined;
  return {
    access_token,
    id_token: id_token as string | undefined,
    refresh_token: refresh_token as string | undefined,
  };
}

/**
 * Exchanges a refresh token for new tokens.
 *
 * @throws {TokenRefreshError} when the endpoint refuses the token.
 * @throws {ProxyError} 502 when the endpoint cannot be reached or answers nonsense.
 */
export async function refreshTokens(
  refreshToken: string,
  options: RefreshTokensOptions,
): Promise<RefreshedTokens> {
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
    : AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await options.fetch(options.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_id: options.clientId,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        scope: "openid profile email",
      }),
      signal,
    });
  } catch (err) {
    throw unreachable(
      options.tokenUrl,
      (err as Error).name === "TimeoutError" ? "timed out" : (err as Error).message,
    );
  }
  const text = await response.text().catch(() => "");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const code = refusalCode(json) ?? `http_${response.status}`;
    if (!SIGN_IN_AGAIN_CODES.has(code) && response.status !== 401) {
      // Not about the token (an outage, or a wrong token_url / client_id): a new sign-in would not help.
      throw unreachable(options.tokenUrl, `answered ${response.status} (${code})`);
    }
    throw new TokenRefreshError(
      code,
      response.status,
      `The token endpoint refused the refresh token (${response.status} ${code})`,
    );
  }
  const tokens = answeredTokens(json);
  if (!tokens) throw unreachable(options.tokenUrl, "answered without an access_token");
  return tokens;
}

function unreachable(url: string, why: string): ProxyError {
  return new ProxyError(
    502,
    `Cannot refresh the ChatGPT sign-in: the token endpoint ${url} ${why}`,
    {
      code: "token_refresh_failed",
      type: "upstream_error",
    },
  );
}
