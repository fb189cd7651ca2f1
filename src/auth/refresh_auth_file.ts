/**
 * The cross-process refresh protocol for one auth.json
 * (docs/backend-protocol.md#the-lock-protocol):
 *
 * 1. take an exclusive OS lock on `auth.lock` beside it (bounded wait);
 * 2. re-read auth.json; if the access token changed, another program
 *    refreshed: use its tokens;
 * 3. otherwise call the token endpoint with the refresh token on disk;
 * 4. write the result at once, under `auth.json.lock` too, atomically;
 * 5. release. If the endpoint said the refresh token was already used (a
 *    program that refreshes without a lock, like the Codex CLI, won the
 *    race), wait briefly for the winner's write and use its tokens.
 *
 * @module
 */
import { replaceAuthFile, withAuthLock } from "./auth_write_locks.ts";
import { type AuthSnapshot, shortAccount } from "./auth_snapshot.ts";
import { applyRefreshedTokens } from "./apply_refreshed_tokens.ts";
import { refreshTokens, TokenRefreshError } from "./refresh_tokens.ts";
import type { Logger } from "../log.ts";

/** What {@link refreshAuthFile} needs. */
export interface RefreshAuthFileOptions {
  tokenUrl: string;
  clientId: string;
  fetch: typeof fetch;
  /** Epoch ms, for `last_refresh`. */
  now: () => number;
  platform: string;
  lockTimeoutMs: number;
  tokenTimeoutMs: number;
  /** How long to wait for the race winner's write. */
  raceWaitMs: number;
  logger?: Logger;
  /** Re-reads auth.json at a path. */
  read: (path: string) => Promise<AuthSnapshot>;
}

/** The token endpoint refused the refresh token of `snapshot` for good. */
export class RefreshRefused extends Error {
  constructor(readonly refusal: TokenRefreshError, readonly snapshot: AuthSnapshot) {
    super(refusal.message);
    this.name = "RefreshRefused";
  }
}

/**
 * Refreshes the sign-in in `stale.path` unless another program already did.
 *
 * @throws {RefreshRefused} when the refresh token is spent, expired or revoked.
 * @throws {ProxyError} when the lock, the endpoint or the file system fails.
 */
export async function refreshAuthFile(
  stale: AuthSnapshot,
  options: RefreshAuthFileOptions,
): Promise<AuthSnapshot> {
  const { path } = stale;
  const { logger } = options;
  let lostRace: TokenRefreshError | undefined;
  const underLock = await withAuthLock(path, async () => {
    const current = await options.read(path);
    if (current.file.tokens.access_token !== stale.file.tokens.access_token) {
      logger?.info("another program refreshed auth.json; using its tokens", { path });
      return current;
    }
    let refreshed;
    try {
      refreshed = await refreshTokens(current.file.tokens.refresh_token, {
        tokenUrl: options.tokenUrl,
        clientId: options.clientId,
        fetch: options.fetch,
        timeoutMs: options.tokenTimeoutMs,
      });
    } catch (err) {
      if (!(err instanceof TokenRefreshError)) throw err;
      if (!err.mayBeLostRace) throw new RefreshRefused(err, current);
      lostRace = err;
      return current;
    }
    const next = applyRefreshedTokens(current.raw, refreshed, options.now());
    const text = JSON.stringify(next, null, 2) + "\n";
    await replaceAuthFile(path, text, {
      platform: options.platform,
      timeoutMs: options.lockTimeoutMs,
    });
    const written = await options.read(path);
    logger?.info("refreshed the ChatGPT sign-in", {
      path,
      account: shortAccount(written.credentials.accountId),
      expires_at: written.credentials.expiresAt === undefined
        ? undefined
        : new Date(written.credentials.expiresAt).toISOString(),
    });
    return written;
  }, {
    timeoutMs: options.lockTimeoutMs,
    onWait: () => logger?.debug("waiting for auth.lock held by another program", { path }),
  });
  if (!lostRace) return underLock;
  return await adoptWinner(underLock, lostRace, options);
}

/**
 * The winner writes once it holds `auth.lock`, which we just released: read
 * its tokens when they land, for a bounded time (real time, not the clock
 * used for expiry decisions).
 */
async function adoptWinner(
  stale: AuthSnapshot,
  lostRace: TokenRefreshError,
  options: RefreshAuthFileOptions,
): Promise<AuthSnapshot> {
  const deadline = performance.now() + options.raceWaitMs;
  for (;;) {
    const again = await options.read(stale.path);
    if (again.file.tokens.refresh_token !== stale.file.tokens.refresh_token) {
      options.logger?.info(
        `another program refreshed first (the token endpoint said ${lostRace.code}); using the tokens it wrote`,
        { path: stale.path },
      );
      return again;
    }
    if (performance.now() >= deadline) throw new RefreshRefused(lostRace, stale);
    await new Promise((r) => setTimeout(r, 50));
  }
}
