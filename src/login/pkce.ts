/**
 * PKCE (RFC 7636, method S256) and the `state` value of the browser sign-in.
 *
 * @module
 */

/** Unpadded base64url of `bytes`. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `byteCount` random bytes as base64url. */
export function randomBase64Url(byteCount: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/**
 * The S256 challenge of a verifier: base64url(sha256(verifier)).
 *
 * @example
 * ```ts
 * await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
 * ```
 */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** A verifier (64 random bytes, 86 characters, as the Codex CLI makes) and its challenge. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** Makes a fresh PKCE pair. */
export async function createPkce(): Promise<Pkce> {
  const verifier = randomBase64Url(64);
  return { verifier, challenge: await pkceChallenge(verifier) };
}

/** A fresh `state`: 32 random bytes, base64url. */
export function createState(): string {
  return randomBase64Url(32);
}
