/**
 * Trades an authorization code for the ChatGPT tokens at
 * `{issuer}/oauth/token` (form-encoded, with the PKCE verifier), as the
 * Codex CLI does. The refresh endpoint (`token_url`) is not involved.
 *
 * @module
 */
import { callIssuer, describeIssuerAnswer, type IssuerCallOptions } from "./issuer_request.ts";
import { LoginError } from "./login_error.ts";

/** The tokens a sign-in yields. */
export interface IssuedTokens {
  id_token: string;
  access_token: string;
  refresh_token: string;
}

/** Inputs of {@link exchangeCode}. */
export interface ExchangeInputs {
  issuer: string;
  clientId: string;
  code: string;
  /** The redirect URI the code was issued for (the issuer compares it). */
  redirectUri: string;
  codeVerifier: string;
}

/**
 * Exchanges `code`.
 *
 * @throws {LoginError} when the issuer refuses or cannot be reached.
 */
export async function exchangeCode(
  inputs: ExchangeInputs,
  options: IssuerCallOptions,
): Promise<IssuedTokens> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: inputs.code,
    redirect_uri: inputs.redirectUri,
    client_id: inputs.clientId,
    code_verifier: inputs.codeVerifier,
  });
  const answer = await callIssuer(
    `${inputs.issuer}/oauth/token`,
    {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body,
    },
    "the code exchange",
    options,
  );
  if (answer.status < 200 || answer.status >= 300) {
    throw new LoginError(
      `the token endpoint refused the sign-in code (${describeIssuerAnswer(answer)})`,
    );
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw new LoginError("the token endpoint answered something that is not JSON");
  }
  const tokens = {
    id_token: json?.id_token,
    access_token: json?.access_token,
    refresh_token: json?.refresh_token,
  };
  const missing = Object.entries(tokens).filter(([, v]) => typeof v !== "string" || v === "")
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new LoginError(`the token endpoint's answer lacks ${missing.join(", ")}`);
  }
  return tokens as IssuedTokens;
}
