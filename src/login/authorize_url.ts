/**
 * The issuer's sign-in page URL, with the parameters the Codex CLI sends
 * (docs/sign-in.md): the issuer checks client id, redirect URI and PKCE
 * against what it registered for that client.
 *
 * @module
 */

/** Scopes the Codex CLI asks for; `offline_access` brings the refresh token. */
export const LOGIN_SCOPES =
  "openid profile email offline_access api.connectors.read api.connectors.invoke";

/** `originator` of the sign-in request, as the Codex CLI sends it. */
export const LOGIN_ORIGINATOR = "codex_cli_rs";

/**
 * The redirect URI for a callback port. The host is `localhost`, not
 * 127.0.0.1: the issuer compares the string with the registered one.
 */
export function callbackRedirectUri(port: number): string {
  return `http://localhost:${port}/auth/callback`;
}

/** The redirect URI of the device-code flow's exchange. */
export function deviceRedirectUri(issuer: string): string {
  return `${issuer}/deviceauth/callback`;
}

/** Inputs of {@link authorizeUrl}. */
export interface AuthorizeUrlInputs {
  issuer: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
}

/**
 * `{issuer}/oauth/authorize?…`, each value percent-encoded (spaces as %20).
 *
 * @example
 * ```ts
 * authorizeUrl({ issuer: "https://auth.openai.com", clientId, redirectUri: callbackRedirectUri(1455), codeChallenge, state });
 * ```
 */
export function authorizeUrl(inputs: AuthorizeUrlInputs): string {
  const params: [string, string][] = [
    ["response_type", "code"],
    ["client_id", inputs.clientId],
    ["redirect_uri", inputs.redirectUri],
    ["scope", LOGIN_SCOPES],
    ["code_challenge", inputs.codeChallenge],
    ["code_challenge_method", "S256"],
    ["id_token_add_organizations", "true"],
    ["codex_cli_simplified_flow", "true"],
    ["state", inputs.state],
    ["originator", LOGIN_ORIGINATOR],
  ];
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  return `${inputs.issuer}/oauth/authorize?${query}`;
}
