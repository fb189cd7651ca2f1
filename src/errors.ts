/**
 * Typed errors that carry the HTTP status and error code a client should see.
 * Each frontend renders them in its own wire shape.
 *
 * @module
 */

/** OpenAI-style error `type` values. */
export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error"
  | "timeout_error"
  | "upstream_error";

/** Options of a {@link ProxyError}. */
export interface ProxyErrorOptions {
  code?: string | null;
  type?: ErrorType;
  param?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error with the status and code the client should receive. */
export class ProxyError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: ProxyErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "ProxyError";
    this.status = status;
    this.code = options.code ?? null;
    this.type = options.type ?? defaultType(status);
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
}

/** 400: the client's request is wrong. */
export function badRequest(message: string, options: ProxyErrorOptions = {}): ProxyError {
  return new ProxyError(400, message, { code: "invalid_request", ...options });
}

/** Error type implied by a status. */
export function defaultType(status: number): ErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status === 504) return "timeout_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** A bad config file, flag or environment value; the CLI exits non-zero with it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
