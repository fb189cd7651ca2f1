/**
 * What one finished request was, as a plain value, and a tiny in-process
 * publisher of them. The request log writes the same moment; the usage
 * history, the metrics and the status page's live list subscribe here
 * instead of each hooking the pipeline (docs/architecture.md#state).
 *
 * @module
 */

/** One finished request, without anything secret (no token, no body). */
export interface FinishedRequest {
  id: string;
  /** Epoch milliseconds when the answer ended. */
  time: number;
  method: string;
  path: string;
  /** `chat`, `responses` or `anthropic`, for completions. */
  dialect?: string;
  /** The model as the client named it. */
  model?: string;
  backend?: string;
  /** The account that answered (its name in the pool), when one did. */
  account?: string;
  /** The api key's name, when keys are named. */
  client?: string;
  /** 499 for a client that left. */
  status: number;
  errorCode?: string;
  durationMs: number;
  ttfbMs?: number;
  tokens?: {
    input: number;
    cached: number;
    output: number;
    reasoning: number;
  };
  reasoningEffort?: string;
  serviceTier?: string;
}

/** A subscriber; it must not throw (a throw is caught and dropped). */
export type RequestListener = (request: FinishedRequest) => void;

/** Publishes finished requests to whoever listens, in this process. */
export class RequestEvents {
  #listeners = new Set<RequestListener>();

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: RequestListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every listener; one that throws does not stop the others or the request. */
  publish(request: FinishedRequest): void {
    for (const listener of this.#listeners) {
      try {
        listener(request);
      } catch {
        // A listener's fault is its own; the answer already went out.
      }
    }
  }
}
