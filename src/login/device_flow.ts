/**
 * The device-code sign-in (docs/sign-in.md), for machines without a
 * browser: ask the issuer for a one-time code, let the person enter it at
 * `{issuer}/codex/device` on any device, poll until they did, then
 * exchange the authorization code the issuer hands back (with the PKCE
 * verifier it made) like the browser flow does.
 *
 * @module
 */
import { callIssuer, describeIssuerAnswer, type IssuerCallOptions } from "./issuer_request.ts";
import { abortedLogin, LoginError, spanText } from "./login_error.ts";

/** How long a device code is valid, and how long codexgate polls. */
export const DEVICE_CODE_LIFETIME_MS = 15 * 60_000;

/** Poll interval when the issuer names none. */
const DEFAULT_INTERVAL_SECONDS = 5;

/** A device code the person enters. */
export interface DeviceCode {
  deviceAuthId: string;
  userCode: string;
  /** Where to enter it. */
  verificationUrl: string;
  /** Milliseconds between polls, as the issuer asked. */
  intervalMs: number;
}

/** What the issuer hands back once the code was entered. */
export interface DeviceAuthorization {
  authorizationCode: string;
  codeVerifier: string;
  codeChallenge: string;
}

/**
 * `POST {issuer}/api/accounts/deviceauth/usercode`.
 *
 * @throws {LoginError} on 404 (device sign-in not enabled) or any other failure.
 */
export async function requestDeviceCode(
  issuer: string,
  clientId: string,
  options: IssuerCallOptions,
): Promise<DeviceCode> {
  const answer = await callIssuer(
    `${issuer}/api/accounts/deviceauth/usercode`,
    {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ client_id: clientId }),
    },
    "asking for a device code",
    options,
  );
  if (answer.status === 404) {
    throw new LoginError(
      "device sign-in is not enabled for this account or issuer (HTTP 404); " +
        "use `codexgate login` (browser) or `codexgate login --no-browser` (paste the URL) instead",
    );
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new LoginError(
      `the issuer refused to give a device code (${describeIssuerAnswer(answer)})`,
    );
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new LoginError("the issuer's device code answer is not JSON");
  }
  const deviceAuthId = body?.device_auth_id;
  // Some servers spell it `usercode`.
  const userCode = body?.user_code ?? body?.usercode;
  if (typeof deviceAuthId !== "string" || typeof userCode !== "string" || !userCode) {
    throw new LoginError("the issuer's device code answer lacks device_auth_id or user_code");
  }
  // The interval comes as a string of seconds ("5"); a number is taken too.
  const seconds = Number(body?.interval);
  return {
    deviceAuthId,
    userCode,
    verificationUrl: `${issuer}/codex/device`,
    intervalMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_INTERVAL_SECONDS) *
      1000,
  };
}

/** Options of {@link pollDeviceAuthorization}. */
export interface PollOptions extends IssuerCallOptions {
  /** Give up after this long (default 15 minutes, the code's lifetime). */
  lifetimeMs?: number;
}

/**
 * Polls `POST {issuer}/api/accounts/deviceauth/token` every interval until
 * the person entered the code (200), treating 403 and 404 as "not yet".
 *
 * @throws {LoginError} when the issuer refuses the code, it expires, or the login is cancelled.
 */
export async function pollDeviceAuthorization(
  issuer: string,
  code: DeviceCode,
  options: PollOptions,
): Promise<DeviceAuthorization> {
  const lifetimeMs = options.lifetimeMs ?? DEVICE_CODE_LIFETIME_MS;
  const deadline = performance.now() + lifetimeMs;
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new LoginError(
        `the device code expired: it was not entered within ${
          spanText(lifetimeMs)
        }; nothing was written`,
      );
    }
    await sleep(Math.min(code.intervalMs, left), options.signal);
    if (performance.now() >= deadline) continue;
    const answer = await callIssuer(
      `${issuer}/api/accounts/deviceauth/token`,
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ device_auth_id: code.deviceAuthId, user_code: code.userCode }),
      },
      "checking the device code",
      options,
    );
    if (answer.status === 403 || answer.status === 404) continue;
    if (answer.status < 200 || answer.status >= 300) {
      throw new LoginError(
        `the issuer refused the device code (${
          describeIssuerAnswer(answer)
        }); it may have expired or been declined; nothing was written`,
      );
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new LoginError("the issuer's device authorization answer is not JSON");
    }
    const { authorization_code, code_verifier, code_challenge } = body ?? {};
    if (
      typeof authorization_code !== "string" || typeof code_verifier !== "string" ||
      typeof code_challenge !== "string"
    ) {
      throw new LoginError(
        "the issuer's device authorization lacks authorization_code or code_verifier",
      );
    }
    return {
      authorizationCode: authorization_code,
      codeVerifier: code_verifier,
      codeChallenge: code_challenge,
    };
  }
}

/** Waits `ms`, or rejects as soon as the login is cancelled. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortedLogin(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedLogin(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
