/**
 * A snapshot of one sign-in: the bearer and account id always come from the
 * same snapshot, so a request never pairs a new token with a stale account.
 *
 * @module
 */

/** Usable credentials for one upstream request. */
export interface Credentials {
  readonly accessToken: string;
  readonly accountId: string;
  readonly planType?: string;
  /** Access-token expiry, epoch milliseconds, when the JWT says. */
  readonly expiresAt?: number;
  /** Where they came from. */
  readonly path: string;
  /** The account's name in its backend's pool (docs/accounts.md); absent for a single sign-in. */
  readonly account?: string;
  /** The account the conversation was on before it had to move (its reasoning cannot follow). */
  readonly movedFrom?: string;
}

/** Gives credentials for requests and recovers from a rejected token. */
export interface CredentialSource {
  /** Credentials fit for a request now (refreshed first when about to expire). */
  get(signal?: AbortSignal): Promise<Credentials>;
  /**
   * The backend refused `failed` (401/403): re-read, refresh if the token on
   * disk is still `failed`'s, and return what to retry with.
   */
  recover(failed: Credentials, signal?: AbortSignal): Promise<Credentials>;
  /** Why the sign-in in use is not saved where it came from yet, if it is not. */
  unsavedSignIn?(): string | undefined;
}
