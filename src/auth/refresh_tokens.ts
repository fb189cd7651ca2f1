/**
 * One call to the OAuth token endpoint with a refresh token
 * (docs/backend-protocol.md#the-token-endpoint). Knows nothing about files
 * or locks; the caller decides when to call it.
 *
 * @module
 */
import { z } from "zod";
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

const answerSchema = z.looseObject({
  access_token: z.string().min(1),
  id_token: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
});

const errorSchema = z.looseObject({
  error: z.union([
    z.string(),
    z.looseObject({ code: z.string().nullish(), type: z.string().nullish() }),
  ]).optional(),
  code: z.string().optional(),
});

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
    const parsed = errorSchema.safeParse(json);
    const error = parsed.success ? parsed.data.error : undefined;
    const code = (typeof error === "string" ? error : error?.code ?? error?.type) ??
      (parsed.success ? parsed.data.code : undefined) ?? `http_${response.status}`;
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
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) throw unreachable(options.tokenUrl, "answered without an access_token");
  const { access_token, id_token, refresh_token } = parsed.data;
  return { access_token, id_token, refresh_token };
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
