/**
 * The device-code sign-in as the person sees it: the code, where to enter
 * it, the warning never to share it, then the wait.
 *
 * @module
 */
import type { AuthSnapshot } from "../auth/auth_snapshot.ts";
import { deviceRedirectUri } from "./authorize_url.ts";
import {
  DEVICE_CODE_LIFETIME_MS,
  pollDeviceAuthorization,
  requestDeviceCode,
} from "./device_flow.ts";
import { exchangeCode } from "./exchange_code.ts";
import type { LoginContext } from "./login_context.ts";
import { spanText } from "./login_error.ts";

/** Options of {@link deviceSignIn}. */
export interface DeviceSignInOptions {
  /** How long the code is polled for (default 15 minutes). */
  lifetimeMs?: number;
}

/**
 * Runs the device flow to the end.
 *
 * @throws {LoginError} (and lock or file errors from saving) when no sign-in was written.
 */
export async function deviceSignIn(
  ctx: LoginContext,
  options: DeviceSignInOptions = {},
): Promise<AuthSnapshot> {
  const lifetimeMs = options.lifetimeMs ?? DEVICE_CODE_LIFETIME_MS;
  const code = await requestDeviceCode(ctx.issuer, ctx.clientId, ctx.call);
  ctx.say("To sign in, open this address in a browser on any device:");
  ctx.say("");
  ctx.say(`  ${code.verificationUrl}`);
  ctx.say("");
  ctx.say(`and enter this one-time code (valid for ${spanText(lifetimeMs)}):`);
  ctx.say("");
  ctx.say(`  ${code.userCode}`);
  ctx.say("");
  ctx.say(
    "Never share this code, and never enter a code someone sent you: whoever enters it " +
      "signs in as you (device codes are a phishing target).",
  );
  ctx.say("Waiting for the code to be entered (Ctrl-C to cancel)…");
  const authorization = await pollDeviceAuthorization(ctx.issuer, code, {
    ...ctx.call,
    lifetimeMs,
  });
  const tokens = await exchangeCode({
    issuer: ctx.issuer,
    clientId: ctx.clientId,
    code: authorization.authorizationCode,
    redirectUri: deviceRedirectUri(ctx.issuer),
    codeVerifier: authorization.codeVerifier,
  }, ctx.call);
  return await ctx.save(tokens);
}
