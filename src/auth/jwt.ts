/**
 * Reads claims from a JWT without verifying it (the backend verifies; we only
 * need expiry, account and plan).
 *
 * @module
 */

/** The claims codexgate reads. */
export interface TokenClaims {
  exp?: number;
  accountId?: string;
  planType?: string;
  email?: string;
}

/** Decodes a JWT's payload, or returns undefined when it is not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length < 2) return undefined;
  try {
    // V8's own decoder: `atob` is loaded on first use, a few ms on the first request.
    const base64url = parts[1].replace(/\+/g, "-").replace(/\//g, "_");
    const json = new TextDecoder().decode(
      Uint8Array.fromBase64(base64url, { alphabet: "base64url" }),
    );
    const payload = JSON.parse(json);
    return payload && typeof payload === "object" ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** Expiry, ChatGPT account id and plan type from a token's claims. */
export function readClaims(token: string): TokenClaims {
  const payload = decodeJwtPayload(token);
  if (!payload) return {};
  const auth = payload["https://api.openai.com/auth"] as Record<string, unknown> | undefined;
  const profile = payload["https://api.openai.com/profile"] as Record<string, unknown> | undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    exp: typeof payload.exp === "number" ? payload.exp : undefined,
    accountId: str(auth?.chatgpt_account_id),
    planType: str(auth?.chatgpt_plan_type),
    email: str(payload.email) ?? str(profile?.email),
  };
}
