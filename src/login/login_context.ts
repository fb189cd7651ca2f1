/**
 * What every sign-in flow needs: where the issuer is, how to talk to it,
 * where to tell the person what to do, and how to save the result.
 *
 * @module
 */
import type { AuthSnapshot } from "../auth/auth_snapshot.ts";
import type { IssuedTokens } from "./exchange_code.ts";
import type { IssuerCallOptions } from "./issuer_request.ts";

/** Shared inputs of the browser, paste and device flows. */
export interface LoginContext {
  /** Issuer base URL, no trailing slash. */
  issuer: string;
  clientId: string;
  /** Fetch, Ctrl-C signal and per-call time bound for every issuer call. */
  call: IssuerCallOptions;
  /** Instructions for the person (stdout). */
  say: (line: string) => void;
  /** Something went wrong but the login goes on (stderr). */
  note: (line: string) => void;
  /** Writes the sign-in; returns it as codexgate will read it. */
  save: (tokens: IssuedTokens) => Promise<AuthSnapshot>;
}
