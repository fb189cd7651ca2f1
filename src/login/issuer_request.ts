/**
 * One HTTP call to the issuer, bounded in time and stopped by Ctrl-C, with
 * failures turned into one-line {@link LoginError}s.
 *
 * @module
 */
import { abortedLogin, LoginError } from "./login_error.ts";

/** How a call to the issuer is made. */
export interface IssuerCallOptions {
  fetch: typeof fetch;
  /** Ctrl-C (or a test) stops the call. */
  signal: AbortSignal;
  /** Bound on the whole call, body included. */
  timeoutMs: number;
}

/** The issuer's answer. */
export interface IssuerAnswer {
  status: number;
  text: string;
}

/**
 * Sends `init` to `url`; `what` names the step in errors ("the code exchange").
 *
 * @throws {LoginError} when the issuer cannot be reached in time, or the login was cancelled.
 */
export async function callIssuer(
  url: string,
  init: RequestInit,
  what: string,
  options: IssuerCallOptions,
): Promise<IssuerAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  try {
    const res = await options.fetch(url, { ...init, signal });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    if (options.signal.aborted) throw abortedLogin(options.signal);
    if (timeout.aborted) {
      throw new LoginError(
        `${what} failed: ${new URL(url).origin} did not answer within ${
          Math.round(options.timeoutMs / 1000)
        } s`,
      );
    }
    throw new LoginError(`${what} failed: cannot reach ${new URL(url).origin}: ${reason(err)}`);
  }
}

/** The useful part of a fetch error: Deno puts the reason in `cause`. */
function reason(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const message = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
  return /client error \([^)]*\): (.*)$/.exec(message)?.[1] ?? message;
}

/** What an issuer's error answer says, short: `invalid_grant: Code expired` or the first words. */
export function describeIssuerAnswer(answer: IssuerAnswer): string {
  let detail = "";
  try {
    const body = JSON.parse(answer.text);
    const error = body?.error;
    const code = typeof error === "string" ? error : error?.code ?? error?.type;
    const message = (typeof error === "object" ? error?.message : undefined) ??
      body?.error_description ?? body?.detail ?? body?.message;
    detail = [code, message].filter((v) => typeof v === "string" && v !== "").join(": ");
  } catch { /* not JSON */ }
  if (!detail) {
    detail = /<html/i.test(answer.text)
      ? "an HTML page"
      : answer.text.replace(/\s+/g, " ").trim().slice(0, 160) || "empty body";
  }
  return `HTTP ${answer.status}: ${detail.slice(0, 300)}`;
}
