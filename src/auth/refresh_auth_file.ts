/**
 * The cross-process refresh protocol for one auth.json
 * (docs/backend-protocol.md#the-lock-protocol):
 *
 * 1. take an exclusive OS lock on `auth.lock` beside it (bounded wait);
 * 2. re-read auth.json; if the access token changed, another program
 *    refreshed: use its tokens;
 * 3. create the temp file of the write-back: a refresh token is spent by
 *    the call below, so it is only made when its result can be kept;
 * 4. call the token endpoint with the refresh token on disk;
 * 5. write the result at once, under `auth.json.lock` too, atomically. If
 *    that still fails, the new tokens are returned as unsaved: the caller
 *    serves with them and saves them later ({@link saveUnsavedSignIn});
 * 6. release. If the endpoint said the refresh token was already used (a
 *    program that refreshes without a lock, like the Codex CLI, won the
 *    race), wait briefly for the winner's write and use its tokens.
 *
 * @module
 */
import { dirnameOf as dirname } from "../core/path.ts";
import { withAuthLock, withAuthWriteLock } from "./auth_write_locks.ts";
import { type AuthSnapshot, parseAuthSnapshot, shortAccount } from "./auth_snapshot.ts";
import { applyRefreshedTokens } from "./apply_refreshed_tokens.ts";
import { refreshTokens, TokenRefreshError } from "./refresh_tokens.ts";
import { type PendingAuthWrite, prepareAuthFileWrite } from "./write_auth_file.ts";
import { ProxyError } from "../errors.ts";
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
 * New tokens from the token endpoint that could not be written to auth.json:
 * the refresh token on disk is spent, so these are the sign-in now.
 */
export interface UnsavedSignIn {
  snapshot: AuthSnapshot;
  /** The auth.json text to write. */
  text: string;
  /** The access token on disk that these replace (a different one there: someone else wrote). */
  staleAccessToken: string;
  /** Why the write failed. */
  error: string;
}

/** What {@link refreshAuthFile} ends with. */
export interface RefreshResult {
  snapshot: AuthSnapshot;
  /** Set when the new tokens could not be written. */
  unsaved?: UnsavedSignIn;
}

/**
 * Refreshes the sign-in in `stale.path` unless another program already did.
 *
 * @throws {RefreshRefused} when the refresh token is spent, expired or revoked.
 * @throws {ProxyError} when the lock or the endpoint fails, or 503
 * `auth_not_writable` when the new tokens could not be kept (the refresh
 * token was not used then).
 */
export async function refreshAuthFile(
  stale: AuthSnapshot,
  options: RefreshAuthFileOptions,
): Promise<RefreshResult> {
  const { path } = stale;
  const { logger } = options;
  let lostRace: TokenRefreshError | undefined;
  const underLock = await lockAuth(path, options, async (): Promise<RefreshResult> => {
    const current = await options.read(path);
    if (current.file.tokens.access_token !== stale.file.tokens.access_token) {
      logger?.info("another program refreshed auth.json; using its tokens", { path });
      return { snapshot: current };
    }
    const pending = await prepareWrite(path, options);
    let refreshed;
    try {
      refreshed = await refreshTokens(current.file.tokens.refresh_token, {
        tokenUrl: options.tokenUrl,
        clientId: options.clientId,
        fetch: options.fetch,
        timeoutMs: options.tokenTimeoutMs,
      });
    } catch (err) {
      await pending.abandon();
      if (!(err instanceof TokenRefreshError)) throw err;
      if (!err.mayBeLostRace) throw new RefreshRefused(err, current);
      lostRace = err;
      return { snapshot: current };
    }
    const next = applyRefreshedTokens(current.raw, refreshed, options.now());
    const text = JSON.stringify(next, null, 2) + "\n";
    try {
      await withAuthWriteLock(path, () => pending.commit(text), {
        timeoutMs: options.lockTimeoutMs,
      });
    } catch (err) {
      await pending.abandon();
      const unsaved: UnsavedSignIn = {
        snapshot: parseAuthSnapshot(text, path),
        text,
        staleAccessToken: current.file.tokens.access_token,
        error: (err as Error).message,
      };
      return { snapshot: unsaved.snapshot, unsaved };
    }
    const written = await options.read(path);
    logger?.info("refreshed the ChatGPT sign-in", {
      path,
      account: shortAccount(written.credentials.accountId),
      expires_at: written.credentials.expiresAt === undefined
        ? undefined
        : new Date(written.credentials.expiresAt).toISOString(),
    });
    return { snapshot: written };
  });
  if (!lostRace) return underLock;
  return { snapshot: await adoptWinner(underLock.snapshot, lostRace, options) };
}

/**
 * Writes tokens a refresh could not save, unless auth.json changed since
 * (another program wrote, or a new sign-in): then those win.
 *
 * @returns "saved", or "superseded" when auth.json no longer holds the stale tokens.
 * @throws the lock's or the file system's error when the write fails again.
 */
export async function saveUnsavedSignIn(
  unsaved: UnsavedSignIn,
  options: Pick<RefreshAuthFileOptions, "platform" | "lockTimeoutMs" | "read" | "logger">,
): Promise<"saved" | "superseded"> {
  const { path } = unsaved.snapshot;
  return await lockAuth(path, options, async () => {
    const current = await options.read(path);
    if (current.file.tokens.access_token !== unsaved.staleAccessToken) return "superseded";
    const pending = await prepareWrite(path, options);
    try {
      await withAuthWriteLock(path, () => pending.commit(unsaved.text), {
        timeoutMs: options.lockTimeoutMs,
      });
    } catch (err) {
      await pending.abandon();
      throw err;
    }
    return "saved";
  });
}

/** Runs `fn` under `auth.lock`; a lock file that cannot even be opened is `auth_not_writable`. */
async function lockAuth<T>(
  path: string,
  options: Pick<RefreshAuthFileOptions, "lockTimeoutMs" | "logger">,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await withAuthLock(path, fn, {
      timeoutMs: options.lockTimeoutMs,
      onWait: () =>
        options.logger?.debug("waiting for auth.lock held by another program", { path }),
    });
  } catch (err) {
    if (isNotWritable(err)) throw notWritable(path, err);
    throw err;
  }
}

/** The write-back's temp file, before the token endpoint is called. */
async function prepareWrite(
  path: string,
  options: Pick<RefreshAuthFileOptions, "platform">,
): Promise<PendingAuthWrite> {
  try {
    return await prepareAuthFileWrite(path, { platform: options.platform });
  } catch (err) {
    throw isNotWritable(err) ? notWritable(path, err) : err;
  }
}

function isNotWritable(err: unknown): boolean {
  return err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable ||
    (err instanceof Error && /read-only file system|EROFS|EPERM|EACCES/i.test(err.message));
}

/** 503: the sign-in cannot be refreshed here, and the refresh token was left unspent. */
function notWritable(path: string, err: unknown): ProxyError {
  return new ProxyError(
    503,
    `codexgate cannot write in ${dirname(path)} (${(err as Error).message}), so it did not ` +
      `refresh the ChatGPT sign-in (the refresh token stays unused). Make that directory ` +
      `writable for codexgate.`,
    { code: "auth_not_writable", type: "server_error", cause: err },
  );
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
