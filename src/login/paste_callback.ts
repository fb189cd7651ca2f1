/**
 * What a person pastes in the paste sign-in (`codexgate login --no-browser`):
 * the address their browser ended on after signing in
 * (`http://localhost:1455/auth/callback?code=…&state=…`, which does not load
 * on a machine where codexgate is not listening), its query alone, or just
 * the code.
 *
 * @module
 */
import { LoginError } from "./login_error.ts";

/**
 * The authorization code in `pasted`, after checking its `state` when it
 * carries one.
 *
 * @example
 * ```ts
 * codeFromPaste("http://localhost:1455/auth/callback?code=abc&state=s1", "s1"); // "abc"
 * ```
 * @throws {LoginError} for a wrong state, an error answer, or text with no code.
 */
export function codeFromPaste(pasted: string, state: string): string {
  const text = pasted.trim();
  if (!text) throw new LoginError("nothing was pasted; nothing was written");
  const params = queryOf(text);
  if (!params) {
    // A bare code: no state to check (the person copied it from the address bar).
    if (/^[\w.~+/=-]+$/.test(text)) return text;
    throw new LoginError(
      "the pasted text is neither the callback address nor a code; nothing was written",
    );
  }
  const error = params.get("error");
  const gotState = params.get("state");
  if (gotState !== null && gotState !== state) {
    throw new LoginError(
      "the pasted address belongs to another sign-in (its state does not match this one); " +
        "paste the address this login's URL led to; nothing was written",
    );
  }
  if (error) {
    const description = params.get("error_description");
    throw new LoginError(
      `the issuer refused the sign-in: ${error}${
        description ? ` (${description})` : ""
      }; nothing was written`,
    );
  }
  const code = params.get("code");
  if (!code) {
    throw new LoginError("the pasted address carries no code; nothing was written");
  }
  if (gotState === null) {
    throw new LoginError(
      "the pasted address carries no state, so it cannot be checked; paste the whole address; nothing was written",
    );
  }
  return code;
}

/** The query parameters of a pasted URL or query string, or undefined for a bare value. */
function queryOf(text: string): URLSearchParams | undefined {
  if (/^https?:\/\//i.test(text)) {
    try {
      return new URL(text).searchParams;
    } catch {
      return undefined;
    }
  }
  const query = text.startsWith("?") ? text.slice(1) : text;
  return query.includes("=") ? new URLSearchParams(query) : undefined;
}
