/**
 * The browser sign-in: listen for the callback, print (and open) the
 * authorize URL, exchange the code the browser brings back, save.
 *
 * @module
 */
import type { AuthSnapshot } from "../auth/auth_snapshot.ts";
import { authorizeUrl } from "./authorize_url.ts";
import { startCallbackServer } from "./callback_server.ts";
import { exchangeCode } from "./exchange_code.ts";
import type { LoginContext } from "./login_context.ts";
import { LoginError } from "./login_error.ts";
import { createPkce, createState } from "./pkce.ts";

/** Options of {@link browserSignIn}. */
export interface BrowserSignInOptions {
  ports: readonly number[];
  /** Opens the URL in a browser; undefined: do not try (--no-open). */
  openBrowser?: (url: string) => boolean;
  takeoverMs?: number;
  successGraceMs?: number;
}

/**
 * Runs the browser flow to the end.
 *
 * @throws {LoginError} (and lock or file errors from saving) when no sign-in was written.
 */
export async function browserSignIn(
  ctx: LoginContext,
  options: BrowserSignInOptions,
): Promise<AuthSnapshot> {
  const pkce = await createPkce();
  const state = createState();
  let saved: AuthSnapshot | undefined;
  const server = await startCallbackServer({
    ports: options.ports,
    state,
    signal: ctx.call.signal,
    fetch: ctx.call.fetch,
    takeoverMs: options.takeoverMs,
    successGraceMs: options.successGraceMs,
    onIgnored: ctx.note,
    complete: async (code, redirectUri) => {
      const tokens = await exchangeCode({
        issuer: ctx.issuer,
        clientId: ctx.clientId,
        code,
        redirectUri,
        codeVerifier: pkce.verifier,
      }, ctx.call);
      saved = await ctx.save(tokens);
    },
  });
  const url = authorizeUrl({
    issuer: ctx.issuer,
    clientId: ctx.clientId,
    redirectUri: server.redirectUri,
    codeChallenge: pkce.challenge,
    state,
  });
  ctx.say("Sign in with ChatGPT at this address:");
  ctx.say("");
  ctx.say(`  ${url}`);
  ctx.say("");
  const opened = options.openBrowser?.(url) ?? false;
  ctx.say(
    opened
      ? "Opened it in your default browser. If nothing appeared, open the address yourself."
      : "Open it in a browser on this machine.",
  );
  ctx.say(
    `Waiting for the browser to come back to ${server.redirectUri} (Ctrl-C to cancel). ` +
      "No browser here? Use --device-auth or --no-browser.",
  );
  await server.done;
  if (!saved) throw new LoginError("the sign-in ended without tokens; nothing was written");
  return saved;
}
