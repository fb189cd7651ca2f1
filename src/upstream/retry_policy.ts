/**
 * When and how long to wait before retrying a failed upstream attempt
 * (docs/backend-protocol.md#retries): 429 without a usage limit, 500/502/503/504 and network errors
 * before the first byte are retried a bounded number of times with jittered
 * exponential backoff, honouring `Retry-After`; a usage limit never is.
 *
 * @module
 */
import { startTimer } from "../timers.ts";

/** One failed attempt, as `forward` saw it. */
export type AttemptFailure =
  | { kind: "status"; status: number; code: string | null; retryAfter: string | null }
  | { kind: "network" };

/** Tunables; the defaults suit an interactive client. */
export interface RetryPolicyOptions {
  /** Retries after the first attempt (config `max_retries`). */
  maxRetries: number;
  /** First backoff step, milliseconds. */
  baseDelayMs?: number;
  /** Largest computed backoff, milliseconds. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the client gets the error at once. */
  maxRetryAfterMs?: number;
  /** In [0, 1); injectable for tests. */
  random?: () => number;
  /** Epoch milliseconds; injectable for tests (HTTP-date `Retry-After`). */
  now?: () => number;
}

/** Statuses worth another attempt (docs/backend-protocol.md#retries), besides network errors. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Decides retries for one request; holds no state besides its options. */
export class RetryPolicy {
  readonly maxRetries: number;
  readonly #base: number;
  readonly #max: number;
  readonly #maxRetryAfter: number;
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(options: RetryPolicyOptions) {
    this.maxRetries = options.maxRetries;
    this.#base = options.baseDelayMs ?? 250;
    this.#max = options.maxDelayMs ?? 4000;
    this.#maxRetryAfter = options.maxRetryAfterMs ?? 20_000;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Milliseconds to wait before retry number `retry` (1-based) after
   * `failure`, or undefined when the failure must go to the client now.
   */
  delayBeforeRetry(failure: AttemptFailure, retry: number): number | undefined {
    if (retry > this.maxRetries) return undefined;
    if (failure.kind === "status") {
      if (!RETRYABLE_STATUSES.has(failure.status)) return undefined;
      // A plan's usage limit lasts hours: retrying only burns the client's time.
      if (failure.code === "usage_limit_reached") return undefined;
      const retryAfter = parseRetryAfter(failure.retryAfter, this.#now());
      if (retryAfter !== undefined) {
        return retryAfter <= this.#maxRetryAfter ? retryAfter : undefined;
      }
    }
    // "Equal jitter": at least half the step, so retries of many clients hit by one outage spread out.
    const ceiling = Math.min(this.#max, this.#base * 2 ** (retry - 1));
    return Math.round(ceiling / 2 + this.#random() * ceiling / 2);
  }
}

/** `Retry-After` as seconds or an HTTP date → milliseconds from now. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Waits `ms`, rejecting early with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal!.reason);
    };
    const timer = startTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
