/**
 * Credentials read from auth.json, lazily on each use so that a later
 * `codex login` is picked up without a restart, and refreshed safely next to
 * other programs that use the same file (spec §2):
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
import { dirname, join } from "node:path";
import type { AuthPathCandidate } from "./discover_auth_path.ts";
import { type AuthFile, type AuthTokens, parseAuthFile, signInError } from "./auth_file.ts";
import type { Credentials, CredentialSource } from "./credentials.ts";
import { readClaims } from "./jwt.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { SingleFlight } from "./single_flight.ts";
import { withFileLock } from "./auth_lock.ts";
import { refreshTokens, TokenRefreshError } from "./refresh_tokens.ts";
import { applyRefreshedTokens } from "./apply_refreshed_tokens.ts";
import { writeAuthFileAtomic } from "./write_auth_file.ts";
import { describeKeyringStorage } from "./keyring_hint.ts";

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
}

/** One read of auth.json: the parsed file, its raw JSON and the credentials it gives. */
export interface AuthSnapshot {
  path: string;
  raw: Record<string, unknown>;
  file: AuthFile & { tokens: AuthTokens };
  credentials: Credentials;
}

/** Reads credentials from the first existing auth.json candidate and keeps them fresh. */
export class FileCredentialSource implements CredentialSource {
  readonly #options: FileCredentialSourceOptions;
  readonly #now: () => number;
  readonly #flight = new SingleFlight<AuthSnapshot>();
  /** Refresh tokens the endpoint refused for good: never sent again, logged once. */
  readonly #deadRefreshTokens = new Map<string, string>();

  constructor(options: FileCredentialSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
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

  /** Reads and parses the current auth.json. */
  async read(): Promise<AuthSnapshot> {
    const path = await this.findPath();
    if (path === undefined) throw this.missingError();
    return await this.#readAt(path);
  }

  async get(): Promise<Credentials> {
    const snapshot = await this.read();
    if (!this.#expiresSoon(snapshot)) return snapshot.credentials;
    try {
      return (await this.#refresh(snapshot)).credentials;
    } catch (err) {
      // Still valid for a little while: serve with it rather than fail now.
      if (this.#stillValid(snapshot)) return snapshot.credentials;
      throw err;
    }
  }

  async recover(failed: Credentials): Promise<Credentials> {
    const snapshot = await this.read();
    if (snapshot.credentials.accessToken !== failed.accessToken) {
      this.#options.logger?.info("auth.json holds other tokens than the refused ones; using them", {
        path: snapshot.path,
      });
      return snapshot.credentials;
    }
    return (await this.#refresh(snapshot)).credentials;
  }

  /** The 401 for "no auth.json anywhere", naming every path tried. */
  missingError(): ProxyError {
    const tried = this.#options.candidates.map((c) => `${c.path} (${c.from})`).join(", ");
    const keyring = describeKeyringStorage(this.#options.readCodexConfig?.());
    if (keyring) return signInError(`No auth.json found (tried ${tried}): ${keyring}`);
    return signInError(`No auth.json found (tried ${tried || "no path: HOME is not set"}).`);
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
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) throw this.missingError();
      throw new ProxyError(500, `Cannot read ${path}: ${(err as Error).message}`);
    }
    const file = parseAuthFile(text, path);
    const raw = JSON.parse(text) as Record<string, unknown>;
    return { path, raw, file, credentials: toCredentials(file.tokens, path) };
  }

  /** Refreshes `stale` once for all concurrent callers on the same file. */
  async #refresh(stale: AuthSnapshot): Promise<AuthSnapshot> {
    if (!this.#options.refresh) {
      throw signInError(`The access token in ${stale.path} expired.`);
    }
    const dead = this.#deadRefreshTokens.get(stale.file.tokens.refresh_token);
    if (dead) throw this.#signInAgain(stale.path, dead);
    let result = await this.#flight.run(stale.path, () => this.#refreshLocked(stale));
    // Joined a flight for an older token that ended on ours: refresh ours now.
    if (result.credentials.accessToken === stale.credentials.accessToken) {
      result = await this.#flight.run(stale.path, () => this.#refreshLocked(stale));
    }
    return result;
  }

  async #refreshLocked(stale: AuthSnapshot): Promise<AuthSnapshot> {
    const settings = this.#options.refresh!;
    const { logger } = this.#options;
    const path = stale.path;
    const lockTimeoutMs = this.#options.lockTimeoutMs ?? 30_000;
    let lostRace: TokenRefreshError | undefined;
    const underLock = await withFileLock(join(dirname(path), "auth.lock"), async () => {
      const current = await this.#readAt(path);
      if (current.file.tokens.access_token !== stale.file.tokens.access_token) {
        logger?.info("another program refreshed auth.json; using its tokens", { path });
        return current;
      }
      const refreshToken = current.file.tokens.refresh_token;
      const dead = this.#deadRefreshTokens.get(refreshToken);
      if (dead) throw this.#signInAgain(path, dead);
      let refreshed;
      try {
        refreshed = await refreshTokens(refreshToken, {
          tokenUrl: settings.tokenUrl,
          clientId: settings.clientId,
          fetch: this.#options.fetch ?? globalThis.fetch,
          timeoutMs: this.#options.tokenTimeoutMs ?? 30_000,
        });
      } catch (err) {
        if (err instanceof TokenRefreshError && err.mayBeLostRace) {
          lostRace = err;
          return current;
        }
        throw this.#failed(err, current);
      }
      const next = applyRefreshedTokens(current.raw, refreshed, this.#now());
      const text = JSON.stringify(next, null, 2) + "\n";
      await withFileLock(
        join(dirname(path), "auth.json.lock"),
        () => writeAuthFileAtomic(path, text, { platform: this.#platform }),
        { timeoutMs: lockTimeoutMs },
      );
      const written = await this.#readAt(path);
      logger?.info("refreshed the ChatGPT sign-in", {
        path,
        account: shortAccount(written.credentials.accountId),
        expires_at: isoOrUndefined(written.credentials.expiresAt),
      });
      return written;
    }, {
      timeoutMs: lockTimeoutMs,
      onWait: () => logger?.debug("waiting for auth.lock held by another program", { path }),
    });
    if (!lostRace) return underLock;
    return await this.#adoptWinner(underLock, lostRace);
  }

  /**
   * Another program spent the refresh token first. It writes its tokens once
   * it holds `auth.lock` (which we just released): read them when they land.
   */
  async #adoptWinner(stale: AuthSnapshot, lostRace: TokenRefreshError): Promise<AuthSnapshot> {
    const deadline = performance.now() + (this.#options.raceWaitMs ?? 5_000);
    for (;;) {
      const again = await this.#readAt(stale.path);
      if (again.file.tokens.refresh_token !== stale.file.tokens.refresh_token) {
        this.#options.logger?.info(
          "another program refreshed first (the token endpoint said " + lostRace.code +
            "); using the tokens it wrote",
          { path: stale.path },
        );
        return again;
      }
      if (performance.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw this.#failed(lostRace, stale);
  }

  /** Turns a refresh failure into the client's error; logs a spent token once. */
  #failed(err: unknown, snapshot: AuthSnapshot): unknown {
    if (err instanceof TokenRefreshError && err.signInRequired) {
      this.#deadRefreshTokens.set(snapshot.file.tokens.refresh_token, err.code);
      this.#options.logger?.warn(
        "the ChatGPT sign-in can no longer be refreshed; run `codex login`",
        { path: snapshot.path, code: err.code, status: err.status },
      );
      return this.#signInAgain(snapshot.path, err.code);
    }
    if (err instanceof ProxyError) {
      this.#options.logger?.warn("token refresh failed", {
        path: snapshot.path,
        error: err.message,
      });
    }
    return err;
  }

  #signInAgain(path: string, code: string): ProxyError {
    return signInError(
      `The ChatGPT sign-in in ${path} expired and cannot be refreshed (the token endpoint said ${code}).`,
    );
  }

  get #platform(): string {
    return this.#options.platform ?? Deno.build.os;
  }
}

/** Builds a credential snapshot from auth.json tokens. */
export function toCredentials(tokens: AuthTokens, path: string): Credentials {
  const claims = readClaims(tokens.access_token);
  const idClaims = tokens.id_token ? readClaims(tokens.id_token) : {};
  const accountId = tokens.account_id || claims.accountId || idClaims.accountId;
  if (!accountId) throw signInError(`${path} has no ChatGPT account id.`);
  return {
    accessToken: tokens.access_token,
    accountId,
    planType: claims.planType ?? idClaims.planType,
    expiresAt: claims.exp !== undefined ? claims.exp * 1000 : undefined,
    path,
  };
}

/** An account id shortened for logs and status output. */
export function shortAccount(accountId: string): string {
  return accountId.length <= 8 ? accountId : `${accountId.slice(0, 8)}…`;
}

function isoOrUndefined(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
