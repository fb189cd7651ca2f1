/**
 * Credentials read from auth.json, lazily on each use so that a later
 * `codexgate login` or `codex login` is picked up without a restart, and refreshed safely next to
 * other programs that use the same file
 * (docs/backend-protocol.md#refresh-and-locking):
 *
 * - proactively when the access token expires within the margin, and
 *   reactively when the backend refuses it (after re-reading the file);
 * - one refresh in flight per credential file in this process;
 * - across processes, under an exclusive OS lock on `auth.lock` held from
 *   the re-read to the write, and only when the token on disk is still the
 *   stale one;
 * - a lost race with a program that refreshes without a lock (the Codex
 *   CLI) is recovered by reading the tokens it writes;
 * - new tokens that could not be written to auth.json are served from
 *   memory and written as soon as that works again (never thrown away:
 *   their refresh token is the only one left).
 *
 * @module
 */
import type { AuthPathCandidate } from "./discover_auth_path.ts";
import { signInError } from "./auth_file.ts";
import { type AuthSnapshot, parseAuthSnapshot, readAuthSnapshot } from "./auth_snapshot.ts";
import type { Credentials, CredentialSource } from "./credentials.ts";
import { describeKeyringStorage } from "./keyring_hint.ts";
import type { UnsavedSignIn } from "./refresh_auth_file.ts";
import { SingleFlight } from "./single_flight.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";

/**
 * The refresh and the auth.json writes load with the first refresh: serving
 * with a fresh token needs neither (docs/operations.md#startup).
 */
const loadRefresh = () => import("./refresh_auth_file.ts");

/** Re-exported for callers that build credentials from a {@link FileCredentialSource.read}. */
export { toCredentials } from "./auth_snapshot.ts";

/** How and where to refresh. */
export interface RefreshSettings {
  tokenUrl: string;
  clientId: string;
  /** Refresh before use when the access token expires within this many milliseconds. */
  marginMs: number;
}

/** Options of {@link FileCredentialSource}. */
export interface FileCredentialSourceOptions {
  candidates: AuthPathCandidate[];
  /** Text of the Codex CLI's config.toml, when one exists (keyring detection). */
  readCodexConfig?: () => string | undefined;
  /** Without it the source never refreshes (read-only use, e.g. `auth status`). */
  refresh?: RefreshSettings;
  fetch?: typeof fetch;
  /** Epoch milliseconds; decides expiry and `last_refresh`. */
  now?: () => number;
  logger?: Logger;
  /** `Deno.build.os` or a test's stand-in. */
  platform?: string;
  /** Bound on waiting for `auth.lock` / `auth.json.lock` (default 30 s). */
  lockTimeoutMs?: number;
  /** Bound on one token-endpoint call (default 30 s). */
  tokenTimeoutMs?: number;
  /**
   * After losing a refresh race, how long to wait for the winner to write its
   * tokens (default 5 s): the Codex CLI writes only after it gets `auth.lock`.
   */
  raceWaitMs?: number;
  /** Least time between two attempts to write tokens a refresh could not save (default 1 s). */
  saveRetryMs?: number;
  /** Told of every refresh attempt's outcome (the metrics count them). */
  onRefresh?: (outcome: "ok" | "failed") => void;
}

/** Reads credentials from the first existing auth.json candidate and keeps them fresh. */
export class FileCredentialSource implements CredentialSource {
  readonly #options: FileCredentialSourceOptions;
  readonly #now: () => number;
  readonly #flight = new SingleFlight<AuthSnapshot>();
  /** Refresh tokens the endpoint refused for good: never sent again, logged once. */
  readonly #deadRefreshTokens = new Map<string, string>();
  /** The last parsed auth.json and the exact text it was parsed from. */
  #parsed: { path: string; text: string; snapshot: AuthSnapshot } | undefined;
  /** The read in flight, shared by the requests that arrive meanwhile. */
  #reading: Promise<AuthSnapshot> | undefined;
  /** Refreshed tokens not yet written to auth.json, and the state of writing them. */
  #unsaved: { signIn: UnsavedSignIn; lastAttempt: number; saving: boolean } | undefined;

  constructor(options: FileCredentialSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Where auth.json is looked for, in order, and why each place is tried. */
  get candidates(): readonly AuthPathCandidate[] {
    return this.#options.candidates;
  }

  /** The auth.json path in use now, or undefined when none exists. */
  async findPath(): Promise<string | undefined> {
    for (const c of this.#options.candidates) {
      try {
        const info = await Deno.stat(c.path);
        if (info.isFile) return c.path;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
          throw err;
        }
      }
    }
    return undefined;
  }

  /**
   * Reads and parses the current auth.json. The file is read on every call
   * (or by the read already in flight), so any change is seen at once; only
   * when its text is exactly the text parsed last time is that parse reused
   * (no JSON, shape check and JWT work for an unchanged file on every request).
   */
  read(): Promise<AuthSnapshot> {
    // Requests that arrive while a read is in flight share it: a burst of
    // requests is a handful of reads, not one each.
    this.#reading ??= this.#readNow().finally(() => (this.#reading = undefined));
    return this.#reading;
  }

  async #readNow(): Promise<AuthSnapshot> {
    const found = await this.#readFirstCandidate();
    if (found === undefined) throw this.missingError();
    const { path, text } = found;
    const last = this.#parsed;
    if (last && last.path === path && last.text === text) return this.#overlay(last.snapshot);
    const snapshot = parseAuthSnapshot(text, path);
    this.#parsed = { path, text, snapshot };
    return this.#overlay(snapshot);
  }

  /** The text of the first candidate that is a readable file: one read each, no stat first. */
  async #readFirstCandidate(): Promise<{ path: string; text: string } | undefined> {
    for (const { path } of this.#options.candidates) {
      try {
        return { path, text: await Deno.readTextFile(path) };
      } catch (err) {
        if (
          err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory ||
          err instanceof Deno.errors.IsADirectory || await isDirectory(path)
        ) continue;
        throw new ProxyError(500, `Cannot read ${path}: ${(err as Error).message}`);
      }
    }
    return undefined;
  }

  /**
   * Why the sign-in in use is not in auth.json yet (its directory refused the
   * write after a refresh), or undefined when all is saved. For `/status`.
   */
  unsavedSignIn(): string | undefined {
    const unsaved = this.#unsaved;
    if (!unsaved) return undefined;
    return `refreshed tokens are in memory only: writing ${unsaved.signIn.snapshot.path} failed ` +
      `(${unsaved.signIn.error}); retrying. If codexgate stops before that works, run \`codexgate login\`.`;
  }

  /**
   * The unsaved tokens in place of what is on disk while auth.json still
   * holds the tokens they replaced; a different auth.json (a new sign-in,
   * another program's refresh) wins and ends the overlay.
   */
  #overlay(disk: AuthSnapshot): AuthSnapshot {
    const unsaved = this.#unsaved;
    if (!unsaved || unsaved.signIn.snapshot.path !== disk.path) return disk;
    if (disk.file.tokens.access_token !== unsaved.signIn.staleAccessToken) {
      this.#unsaved = undefined;
      this.#options.logger?.info(
        "auth.json changed; using it instead of the refreshed tokens that could not be saved",
        { path: disk.path },
      );
      return disk;
    }
    this.#retrySave();
    return unsaved.signIn.snapshot;
  }

  /** Writes the unsaved tokens again, at most once per `saveRetryMs`, in the background. */
  #retrySave(): void {
    const unsaved = this.#unsaved;
    const now = performance.now();
    if (
      !unsaved || unsaved.saving || now - unsaved.lastAttempt < (this.#options.saveRetryMs ?? 1000)
    ) {
      return;
    }
    unsaved.saving = true;
    unsaved.lastAttempt = now;
    const { logger } = this.#options;
    loadRefresh().then(({ saveUnsavedSignIn }) =>
      saveUnsavedSignIn(unsaved.signIn, {
        platform: this.#options.platform ?? Deno.build.os,
        lockTimeoutMs: this.#options.lockTimeoutMs ?? 30_000,
        read: (path) => readAuthSnapshot(path, () => this.missingError()),
        logger,
      })
    ).then((outcome) => {
      if (this.#unsaved !== unsaved) return;
      this.#unsaved = undefined;
      if (outcome === "saved") {
        logger?.info("saved the refreshed ChatGPT sign-in to auth.json", {
          path: unsaved.signIn.snapshot.path,
        });
      }
    }, (err) => {
      unsaved.signIn = { ...unsaved.signIn, error: (err as Error).message };
      logger?.debug("auth.json still cannot be written", {
        path: unsaved.signIn.snapshot.path,
        error: (err as Error).message,
      });
    }).finally(() => (unsaved.saving = false));
  }

  async get(signal?: AbortSignal): Promise<Credentials> {
    const snapshot = await this.read();
    if (!this.#expiresSoon(snapshot)) return snapshot.credentials;
    try {
      return (await untilAborted(() => this.#refresh(snapshot), signal)).credentials;
    } catch (err) {
      if (signal?.aborted) throw err;
      // Still valid for a little while: serve with it rather than fail now.
      if (this.#stillValid(snapshot)) return snapshot.credentials;
      throw err;
    }
  }

  async recover(failed: Credentials, signal?: AbortSignal): Promise<Credentials> {
    const snapshot = await this.read();
    if (snapshot.credentials.accessToken !== failed.accessToken) {
      this.#options.logger?.info("auth.json holds other tokens than the refused ones; using them", {
        path: snapshot.path,
      });
      return snapshot.credentials;
    }
    return (await untilAborted(() => this.#refresh(snapshot), signal)).credentials;
  }

  /** The 401 for "no auth.json anywhere", naming every path tried. */
  missingError(): ProxyError {
    const tried = this.#options.candidates.map((c) => `${c.path} (${c.from})`).join(", ");
    const keyring = describeKeyringStorage(this.#options.readCodexConfig?.());
    // Nobody signed in here yet: "sign in", not "sign in again".
    if (keyring) {
      return signInError(`No auth.json found (tried ${tried}): ${keyring}`, { again: false });
    }
    return signInError(`No auth.json found (tried ${tried || "no path: HOME is not set"}).`, {
      again: false,
    });
  }

  #expiresSoon(snapshot: AuthSnapshot): boolean {
    const { expiresAt } = snapshot.credentials;
    const margin = this.#options.refresh?.marginMs;
    return expiresAt !== undefined && margin !== undefined &&
      expiresAt - this.#now() <= margin;
  }

  #stillValid(snapshot: AuthSnapshot): boolean {
    const { expiresAt } = snapshot.credentials;
    return expiresAt !== undefined && expiresAt > this.#now();
  }

  async #readAt(path: string): Promise<AuthSnapshot> {
    return this.#overlay(await readAuthSnapshot(path, () => this.missingError()));
  }

  /** Refreshes `stale` once for all concurrent callers on the same file. */
  async #refresh(stale: AuthSnapshot): Promise<AuthSnapshot> {
    if (!this.#options.refresh) {
      throw signInError(`The access token in ${stale.path} expired.`);
    }
    const dead = this.#deadRefreshTokens.get(stale.file.tokens.refresh_token);
    if (dead) throw this.#signInAgain(stale.path, dead);
    let result = await this.#flight.run(stale.path, () => this.#refreshNow(stale));
    // Joined a flight for an older token that ended on ours: refresh ours now.
    if (result.credentials.accessToken === stale.credentials.accessToken) {
      result = await this.#flight.run(stale.path, () => this.#refreshNow(stale));
    }
    return result;
  }

  async #refreshNow(stale: AuthSnapshot): Promise<AuthSnapshot> {
    const settings = this.#options.refresh!;
    const { logger } = this.#options;
    const { refreshAuthFile, RefreshRefused } = await loadRefresh();
    try {
      const { snapshot, unsaved } = await refreshAuthFile(stale, {
        tokenUrl: settings.tokenUrl,
        clientId: settings.clientId,
        fetch: this.#options.fetch ?? globalThis.fetch,
        now: this.#now,
        platform: this.#options.platform ?? Deno.build.os,
        lockTimeoutMs: this.#options.lockTimeoutMs ?? 30_000,
        tokenTimeoutMs: this.#options.tokenTimeoutMs ?? 30_000,
        raceWaitMs: this.#options.raceWaitMs ?? 5_000,
        logger,
        read: (path) => this.#readAt(path),
      });
      this.#options.onRefresh?.("ok");
      if (unsaved) this.#keepUnsaved(unsaved);
      else if (this.#unsaved?.signIn.snapshot.path === snapshot.path) this.#unsaved = undefined;
      return snapshot;
    } catch (err) {
      this.#options.onRefresh?.("failed");
      if (err instanceof RefreshRefused) {
        // Remembered so that later requests get the 401 without another call or log line.
        const { refusal, snapshot } = err;
        this.#deadRefreshTokens.set(snapshot.file.tokens.refresh_token, refusal.code);
        logger?.warn("the ChatGPT sign-in can no longer be refreshed; run `codexgate login`", {
          path: snapshot.path,
          code: refusal.code,
          status: refusal.status,
        });
        throw this.#signInAgain(snapshot.path, refusal.code);
      }
      if (err instanceof ProxyError) {
        logger?.warn("token refresh failed", { path: stale.path, error: err.message });
      }
      throw err;
    }
  }

  /** Keeps new tokens the refresh could not write; they are the sign-in from now on. */
  #keepUnsaved(signIn: UnsavedSignIn): void {
    const previous = this.#unsaved?.signIn;
    // Refreshed again from unsaved tokens: auth.json still holds the ones before those.
    const staleAccessToken = previous?.snapshot.path === signIn.snapshot.path
      ? previous.staleAccessToken
      : signIn.staleAccessToken;
    this.#unsaved = {
      signIn: { ...signIn, staleAccessToken },
      lastAttempt: performance.now(),
      saving: false,
    };
    this.#options.logger?.warn(
      "could not save the refreshed ChatGPT sign-in to auth.json; serving with the new tokens " +
        "from memory and retrying. If codexgate stops before that works, run `codex login`.",
      { path: signIn.snapshot.path, error: signIn.error },
    );
  }

  #signInAgain(path: string, code: string): ProxyError {
    return signInError(
      `The ChatGPT sign-in in ${path} expired and cannot be refreshed (the token endpoint said ${code}).`,
    );
  }
}

/**
 * Stops waiting when the client goes away; the shared refresh itself runs on
 * for the other requests waiting on it. A client already gone starts nothing:
 * a refresh started for nobody would fail unobserved and take the process down.
 */
function untilAborted<T>(start: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const work = start();
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    // `then` observes a failure that comes after the client left too.
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Whether `path` is a directory (Windows refuses to read one with "access denied"). */
async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
