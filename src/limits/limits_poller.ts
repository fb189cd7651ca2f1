/**
 * Polls each backend account's usage document (`wham/usage`, which spends
 * no quota) so the limits are known from the first request on and after a
 * restart (docs/limits-and-usage.md#polling). Bounded: one poll in flight per
 * account, each with a timeout, never more often than `min_interval_seconds`;
 * jittered, so several instances do not poll in step; paused while nothing
 * has asked (no request, no `/status`, no usage route) for `idle_pause_seconds`.
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import type { Logger } from "../log.ts";
import { type QuotaStore, updateQuota } from "../state/quota_store.ts";
import type { HostInfo } from "../upstream/headers.ts";
import type { QuotaSnapshot } from "../upstream/quota_headers.ts";
import { usageUrl } from "./usage_url.ts";
import { parseWhamUsage } from "./wham_usage.ts";
import { startTimer, type Timer } from "../timers.ts";

/** The last failure of an account's poll. */
export interface PollError {
  code: string;
  message: string;
  /** ISO time. */
  at: string;
}

/** What the poller needs. */
export interface LimitsPollerOptions {
  config: ResolvedConfig;
  credentials: CredentialService;
  quota: QuotaStore;
  fetch: typeof fetch;
  /** Epoch milliseconds. */
  now: () => number;
  logger: Logger;
  host: HostInfo;
  /** 0 ≤ x < 1, for the jitter (injectable for tests). */
  random?: () => number;
}

/** Polls `wham/usage` per account; see the module note. */
export class LimitsPoller {
  readonly #o: LimitsPollerOptions;
  readonly #inFlight = new Map<string, Promise<QuotaSnapshot | undefined>>();
  /** Epoch ms of each backend's last poll attempt. */
  readonly #polledAt = new Map<string, number>();
  readonly #errors = new Map<string, PollError>();
  readonly #warned = new Set<string>();
  #lastAsked: number;
  #timer: Timer | undefined;
  #stopped = true;
  /** Started, waiting for the first request to run the first round. */
  #armed = false;

  constructor(options: LimitsPollerOptions) {
    this.#o = options;
    this.#lastAsked = options.now();
  }

  /** Something asked for limits or made a request: keep polling (start, after {@link start}). */
  touch(): void {
    this.#lastAsked = this.#o.now();
    if (!this.#armed) return;
    this.#armed = false;
    this.#round(true).finally(() => this.#schedule());
  }

  /** The last poll failure of `backend`, if its last poll failed. */
  lastError(backend: string): PollError | undefined {
    return this.#errors.get(backend);
  }

  /**
   * Polls `backend` unless it was polled less than `min_interval_seconds` ago
   * (or one poll is already under way: joins it). Never throws.
   */
  refresh(backend: string, options: { force?: boolean } = {}): Promise<QuotaSnapshot | undefined> {
    const settings = this.#o.config.limits;
    const running = this.#inFlight.get(backend);
    if (running) return running;
    const last = this.#polledAt.get(backend);
    if (
      !settings.poll ||
      !options.force && last !== undefined &&
        this.#o.now() - last < settings.min_interval_seconds * 1000
    ) {
      return Promise.resolve(undefined);
    }
    this.#polledAt.set(backend, this.#o.now());
    const flight = this.#poll(backend).finally(() => this.#inFlight.delete(backend));
    this.#inFlight.set(backend, flight);
    return flight;
  }

  /**
   * Polls `backend` when its account's figures are missing or older than
   * `interval_seconds` (what someone looking at limits wants). Never throws.
   */
  async ensureFresh(backend: string): Promise<void> {
    this.touch();
    try {
      const { accountId } = await this.#o.credentials.get(backend);
      const latest = await this.#o.quota.latest(accountId);
      const maxAge = this.#o.config.limits.interval_seconds * 1000;
      if (latest && this.#o.now() - Date.parse(latest.updated_at) <= maxAge) return;
    } catch {
      // No usable sign-in: the poll records why.
    }
    await this.refresh(backend);
  }

  /**
   * Polls every backend with the first request (after its answer, which
   * carries the figures too) or the first look at limits, then on a jittered
   * interval while someone asks. Nothing is fetched at start, before serving
   * needs it (docs/operations.md#startup).
   */
  start(): void {
    if (!this.#o.config.limits.poll || !this.#stopped) return;
    this.#stopped = false;
    this.#armed = true;
  }

  /** Stops the timer (an in-flight poll finishes on its own). */
  stop(): void {
    this.#stopped = true;
    this.#armed = false;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Whether the periodic poll would run now (someone asked recently). */
  active(): boolean {
    return this.#o.now() - this.#lastAsked < this.#o.config.limits.idle_pause_seconds * 1000;
  }

  /**
   * One periodic round: polls every backend when someone asked within
   * `idle_pause_seconds`, else nothing. Returns how many backends it polled.
   */
  async tick(): Promise<number> {
    return await this.#round(false);
  }

  /** The wait before the next round: the interval ±20 % (instances started together drift apart). */
  nextDelayMs(): number {
    const jitter = 0.8 + 0.4 * (this.#o.random ?? Math.random)();
    return this.#o.config.limits.interval_seconds * 1000 * jitter;
  }

  async #round(force: boolean): Promise<number> {
    if (!force && !this.active()) return 0;
    const backends = Object.keys(this.#o.config.backends);
    await Promise.all(backends.map((b) => this.refresh(b, { force })));
    return backends.length;
  }

  #schedule(): void {
    if (this.#stopped) return;
    // Not setTimeout: its first call loads Deno's Node timers, which would land on startup
    // (src/timers.ts). The server ends with an explicit exit, so a pending poll holds nothing up.
    this.#timer = startTimer(
      this.nextDelayMs(),
      () => this.#round(false).finally(() => this.#schedule()),
    );
  }

  async #poll(backendName: string): Promise<QuotaSnapshot | undefined> {
    const o = this.#o;
    const backend = o.config.backends[backendName];
    const url = usageUrl(backend);
    try {
      // A token about to expire is left for the next request to refresh: the poll never
      // starts a refresh of its own (a refresh token is single-use, and other programs share it).
      const sign = await o.credentials.inspect(backendName);
      if (!sign.ok) {
        throw Object.assign(new Error(sign.message), { code: "needs_sign_in" });
      }
      if (
        sign.expiresAt !== undefined &&
        sign.expiresAt - o.now() < backend.refresh_margin_seconds * 1000
      ) {
        this.#polledAt.delete(backendName);
        o.logger.debug("usage poll waits for a request to refresh the token", {
          backend: backendName,
        });
        return undefined;
      }
      const credentials = await o.credentials.get(backendName);
      const headers = new Headers({
        "authorization": `Bearer ${credentials.accessToken}`,
        "chatgpt-account-id": credentials.accountId,
        "originator": backend.originator,
        "user-agent":
          `${backend.originator}/${backend.client_version} (${o.host.os}; ${o.host.arch}) codexgate`,
        "accept": "application/json",
      });
      for (const [name, value] of Object.entries(backend.extra_headers)) headers.set(name, value);
      const response = await o.fetch(url, {
        headers,
        signal: AbortSignal.timeout(o.config.limits.timeout_seconds * 1000),
      });
      const text = await response.text();
      if (!response.ok) {
        throw Object.assign(new Error(`HTTP ${response.status} from ${url}`), {
          code: `http_${response.status}`,
        });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const snapshot = parseWhamUsage(body, o.now());
      if (!snapshot) {
        throw Object.assign(new Error(`${url} did not answer a usage document`), {
          code: "bad_usage_document",
        });
      }
      await updateQuota(o.quota, credentials.accountId, snapshot);
      this.#errors.delete(backendName);
      this.#warned.delete(backendName);
      return snapshot;
    } catch (err) {
      const e = err as Error & { code?: string };
      const code = typeof e.code === "string"
        ? e.code
        : e.name === "TimeoutError"
        ? "timeout"
        : "poll_failed";
      this.#errors.set(backendName, {
        code,
        message: e.message,
        at: new Date(o.now()).toISOString(),
      });
      // Once per failure spell: a backend without the document must not fill the log.
      if (!this.#warned.has(backendName)) {
        this.#warned.add(backendName);
        o.logger.info("cannot poll the plan's usage; limits come from answers only", {
          backend: backendName,
          url,
          error: e.message,
        });
      }
      return undefined;
    }
  }
}
