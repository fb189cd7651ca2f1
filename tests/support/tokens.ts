/**
 * Test credentials: unsigned JWTs shaped like ChatGPT's, and auth.json files.
 *
 * @module
 */

/** Encodes a JWT with a dummy signature (the fake never verifies signatures). */
export function makeJwt(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) =>
    btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims)}.c2lnbmF0dXJl`;
}

/** Options of {@link makeTokenSet}. */
export interface TokenSetOptions {
  accountId?: string;
  planType?: string;
  /** Seconds from now until the access token expires (negative: already expired). */
  expiresIn?: number;
  /** Distinguishes token sets. */
  serial?: string;
  nowSeconds?: number;
}

/** A token set as auth.json holds it. */
export interface TokenSet {
  id_token: string;
  access_token: string;
  refresh_token: string;
  account_id: string;
}

/** Makes a fresh, unique token set. */
export function makeTokenSet(options: TokenSetOptions = {}): TokenSet {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const accountId = options.accountId ?? "acct-1111-2222-3333";
  const serial = options.serial ?? crypto.randomUUID();
  const auth = {
    chatgpt_account_id: accountId,
    chatgpt_plan_type: options.planType ?? "plus",
  };
  const exp = now + (options.expiresIn ?? 10 * 24 * 3600);
  return {
    id_token: makeJwt({
      email: "dev@example.test",
      exp,
      iat: now,
      "https://api.openai.com/auth": auth,
      jti: serial,
    }),
    access_token: makeJwt({
      exp,
      iat: now,
      "https://api.openai.com/auth": auth,
      jti: `at-${serial}`,
    }),
    refresh_token: `rt_${serial.replace(/-/g, "")}`,
    account_id: accountId,
  };
}

/** auth.json content for a token set, with an extra unknown field to check it survives. */
export function authJson(tokens: TokenSet, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      auth_mode: "chatgpt",
      OPENAI_API_KEY: null,
      tokens,
      last_refresh: new Date().toISOString(),
      ...extra,
    },
    null,
    2,
  );
}
