/**
 * The paste sign-in, for a machine without a browser where device sign-in
 * is not available: print the authorize URL, let the person sign in
 * anywhere and paste back the address their browser ended on.
 *
 * @module
 */
import type { AuthSnapshot } from "../auth/auth_snapshot.ts";
import { authorizeUrl, callbackRedirectUri } from "./authorize_url.ts";
import { exchangeCode } from "./exchange_code.ts";
import type { LoginContext } from "./login_context.ts";
import { LoginError } from "./login_error.ts";
import { codeFromPaste } from "./paste_callback.ts";
import { createPkce, createState } from "./pkce.ts";

/** Options of {@link pasteSignIn}. */
export interface PasteSignInOptions {
  /** The port of the redirect URI (the first callback port: 1455 upstream). */
  port: number;
  /** Reads one line of input; null at the end of input. */
  readLine: (signal: AbortSignal) => Promise<string | null>;
}

/**
 * Runs the paste flow to the end.
 *
 * @throws {LoginError} (and lock or file errors from saving) when no sign-in was written.
 */
export async function pasteSignIn(
  ctx: LoginContext,
  options: PasteSignInOptions,
): Promise<AuthSnapshot> {
  const pkce = await createPkce();
  const state = createState();
  const redirectUri = callbackRedirectUri(options.port);
  const url = authorizeUrl({
    issuer: ctx.issuer,
    clientId: ctx.clientId,
    redirectUri,
    codeChallenge: pkce.challenge,
    state,
  });
  ctx.say("Open this address in a browser on any machine and sign in with ChatGPT:");
  ctx.say("");
  ctx.say(`  ${url}`);
  ctx.say("");
  ctx.say(
    `The browser then lands on ${redirectUri}?code=… and shows an error (nothing listens there). ` +
      "Copy that whole address from the address bar and paste it here (or just the code):",
  );
  let line: string | null;
  do {
    line = await options.readLine(ctx.call.signal);
  } while (line !== null && line.trim() === "");
  if (line === null) {
    throw new LoginError("no address was pasted (end of input); nothing was written");
  }
  const code = codeFromPaste(line, state);
  const tokens = await exchangeCode({
    issuer: ctx.issuer,
    clientId: ctx.clientId,
    code,
    redirectUri,
    codeVerifier: pkce.verifier,
  }, ctx.call);
  return await ctx.save(tokens);
}
