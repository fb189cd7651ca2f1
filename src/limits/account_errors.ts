/**
 * The last error each backend's account gave, from finished requests (a
 * refused token, a reached limit, a backend failure) and from the usage
 * poll; `/status` shows it (docs/limits-and-usage.md#status).
 *
 * @module
 */
import type { FinishedRequest } from "../http/request_events.ts";
import type { PollError } from "./limits_poller.ts";

/** Statuses that say something about the account or the backend, not the client's request. */
function accountRelated(status: number): boolean {
  return status === 401 || status === 403 || status === 429 || status >= 500;
}

/** Remembers the latest account-related failure per backend. */
export class AccountErrors {
  readonly #byBackend = new Map<string, PollError>();

  /** A finished request (subscribe this to the app's RequestEvents). */
  observe(request: FinishedRequest): void {
    if (!request.backend || !request.errorCode || !accountRelated(request.status)) return;
    this.#byBackend.set(request.backend, {
      code: request.errorCode,
      message: `A request ended with HTTP ${request.status} (${request.errorCode})`,
      at: new Date(request.time).toISOString(),
    });
  }

  /** The newer of the request error and `other` (e.g. the poll's). */
  latest(backend: string, other?: PollError): PollError | undefined {
    const mine = this.#byBackend.get(backend);
    if (!mine) return other;
    if (!other) return mine;
    return Date.parse(other.at) > Date.parse(mine.at) ? other : mine;
  }
}
