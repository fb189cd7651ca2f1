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
 *   CLI) is recovered by reading the tokens it writes.
 *
 * @module
 */
import type { AuthPathCandidate } from "./discover_auth_path.ts";
import { signInError } from "./auth_file.ts";
import {
  type AuthSnapshot,
  parseAuthSnapshot,
  readAuthSnapshot,
  readAuthText,
} from "./auth_snapshot.ts";
import type { Credentials, CredentialSource } from "./credentials.ts";
import { describeKeyringStorage } from "./keyring_hint.ts";
import { refreshAuthFile, RefreshRefused } from "./refresh_auth_file.ts";
import { SingleFlight } from "./single_flight.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";

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
   * Reads and parses the current auth.json. The file is read on every call,
   * so any change is seen at once; only when its text is exactly the text
   * parsed last time is that parse reused (no JSON, schema and JWT work for
   * an unchanged file on every request).
   */
  async read(): Promise<AuthSnapshot> {
    const path = await this.findPath();
    if (path === undefined) throw this.missingError();
    const text = await readAuthText(path, () => this.missingError());
    const last = this.#parsed;
    if (last && last.path === path && last.text === text) return last.snapshot;
    const snapshot = parseAuthSnapshot(text, path);
    this.#parsed = { path, text, snapshot };
    return snapshot;
  }

  async get(signal?: AbortSignal): Promise<Credentials> {
    const snapshot = await this.read();
    if (!this.#expiresSoon(snapshot)) return snapshot.credentials;
    try {
      return (await untilAborted(this.#refresh(snapshot), signal)).credentials;
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
    return (await untilAborted(this.#refresh(snapshot), signal)).credentials;
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

  #readAt(path: string): Promise<AuthSnapshot> {
    return readAuthSnapshot(path, () => this.missingError());
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
    try {
      const fresh = await refreshAuthFile(stale, {
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
      return fresh;
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

  #signInAgain(path: string, code: string): ProxyError {
    return signInError(
      `The ChatGPT sign-in in ${path} expired and cannot be refreshed (the token endpoint said ${code}).`,
    );
  }
}

/**
 * Stops waiting when the client goes away; the shared refresh itself runs on
 * for the other requests waiting on it.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
