/**
 * A sign-in that did not happen, told in one line: `codexgate login` prints
 * `codexgate login: <message>` and exits with `exitCode`. Never carries a
 * token.
 *
 * @module
 */

/** Exit code of a login stopped by Ctrl-C (128 + SIGINT, as shells report it). */
export const CANCELLED_EXIT_CODE = 130;

/** Why the sign-in failed, in one line for a person. */
export class LoginError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "LoginError";
  }
}

/** "15 minutes", or "20 s" below a minute (tests use short limits). */
export function spanText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} s`;
}

/** The error for a login stopped by `signal` (Ctrl-C, or a test): its reason when it is one. */
export function abortedLogin(signal: AbortSignal): LoginError {
  const reason = signal.reason;
  if (reason instanceof LoginError) return reason;
  return new LoginError("cancelled; nothing was written", CANCELLED_EXIT_CODE);
}
