/**
 * Backend failures → the error the client should see
 * (docs/backend-protocol.md#backend-answers-and-what-clients-get).
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import type { UpstreamEvent } from "./events.ts";
import { isHtmlAnswer } from "./html_answer.ts";

/** Maps a non-2xx backend answer to a client error. */
export function mapUpstreamHttpError(
  status: number,
  bodyText: string,
  headers: Headers,
): ProxyError {
  if (isHtmlAnswer(headers.get("content-type"), bodyText)) {
    return new ProxyError(
      502,
      `The Codex backend answered ${status} with an HTML page (likely a Cloudflare challenge or an outage page), not an API response. Try again later; if it persists, check that the backend URL is right.`,
      { code: "upstream_html_response", type: "upstream_error" },
    );
  }
  let parsed: { error?: Record<string, unknown>; detail?: unknown } | undefined;
  try {
    parsed = JSON.parse(bodyText);
  } catch { /* not JSON */ }
  const error = parsed?.error && typeof parsed.error === "object" ? parsed.error : undefined;
  const message = String(
    error?.message ?? (typeof parsed?.detail === "string" ? parsed.detail : "") ?? "",
  ) || bodyText.slice(0, 500) || `HTTP ${status}`;
  const code = typeof error?.code === "string" ? error.code : undefined;
  const type = typeof error?.type === "string" ? error.type : undefined;

  if (status === 429 && (type === "usage_limit_reached" || code === "usage_limit_reached")) {
    return usageLimitError(error ?? {}, headers);
  }
  if (code === "context_length_exceeded" || /context window|context_length/i.test(message)) {
    return contextLengthError(message);
  }
  if (
    status === 404 ||
    /model.*(not found|not supported|does not exist)|not supported when using Codex/i.test(message)
  ) {
    return new ProxyError(404, `The Codex backend does not offer this model: ${message}`, {
      code: "model_not_found",
      param: "model",
    });
  }
  if (status === 401 || status === 403) {
    return new ProxyError(
      401,
      `The Codex backend refused the ChatGPT credentials (${status}: ${message}). Run \`codexgate login\` (or \`codex login\`) to sign in again.`,
      { code: "invalid_api_key", type: "authentication_error" },
    );
  }
  if (status === 429) {
    return new ProxyError(429, `Rate limited by the Codex backend: ${message}`, {
      code: "rate_limit_exceeded",
      headers: retryAfterHeader(headers),
    });
  }
  if (status === 503) {
    // Passed on as 503 (with its Retry-After): clients know to come back later.
    return new ProxyError(503, `The Codex backend is unavailable (503): ${message}`, {
      code: "upstream_unavailable",
      type: "upstream_error",
      headers: retryAfterHeader(headers),
    });
  }
  if (status >= 500) {
    return new ProxyError(502, `The Codex backend failed (${status}): ${message}`, {
      code: "upstream_error",
      type: "upstream_error",
    });
  }
  return new ProxyError(status, message, { code: code ?? null });
}

/** Maps an `error` or `response.failed` event to a client error. */
export function mapUpstreamEventError(event: UpstreamEvent): ProxyError {
  const err = event.type === "response.failed"
    ? event.response?.error ?? {}
    : event.error ?? { code: event.code, message: event.message };
  const code = err.code ?? undefined;
  const message = err.message ?? "The Codex backend reported an error";
  if (code === "context_length_exceeded") return contextLengthError(message);
  if (code === "usage_limit_reached" || err.type === "usage_limit_reached") {
    return usageLimitError(err as Record<string, unknown>, new Headers());
  }
  if (code === "rate_limit_exceeded") {
    return new ProxyError(429, message, { code });
  }
  if (code === "server_is_overloaded" || code === "slow_down") {
    // The backend's 503 in a 200's clothes: retried, and passed on as a 503 when retries run out.
    return new ProxyError(503, `The Codex backend is overloaded (${code}): ${message}`, {
      code,
      type: "upstream_error",
    });
  }
  return new ProxyError(502, `The Codex backend failed: ${message}`, {
    code: code ?? "upstream_error",
    type: "upstream_error",
  });
}

/** 400 `context_length_exceeded`: what agents key on to compact. */
export function contextLengthError(message: string): ProxyError {
  return new ProxyError(
    400,
    `This model's context window is exceeded: ${message} Shorten the conversation (compact) and retry.`,
    { code: "context_length_exceeded", param: "messages" },
  );
}

function usageLimitError(error: Record<string, unknown>, headers: Headers): ProxyError {
  const plan = typeof error.plan_type === "string"
    ? error.plan_type
    : headers.get("x-codex-plan-type") ?? "unknown";
  const resetsIn = Number(error.resets_in_seconds);
  const resetsAt = Number(error.resets_at);
  let seconds = Number.isFinite(resetsIn) && resetsIn > 0 ? Math.ceil(resetsIn) : undefined;
  if (seconds === undefined && Number.isFinite(resetsAt) && resetsAt > 0) {
    seconds = Math.max(1, Math.ceil(resetsAt - Date.now() / 1000));
  }
  const when = Number.isFinite(resetsAt) && resetsAt > 0
    ? new Date(resetsAt * 1000).toISOString()
    : seconds !== undefined
    ? `in ${seconds} s`
    : "later";
  return new ProxyError(
    429,
    `The ChatGPT ${plan} plan's Codex usage limit is reached; it resets ${
      when.startsWith("in") || when === "later" ? when : `at ${when}`
    }${seconds !== undefined ? ` (in ${formatDuration(seconds)})` : ""}.`,
    {
      code: "usage_limit_reached",
      type: "rate_limit_error",
      // x-should-retry: false tells the Anthropic and OpenAI SDKs (and Claude Code) not to retry
      // a limit that lasts hours; retry-after says when it resets.
      headers: {
        "x-should-retry": "false",
        ...(seconds !== undefined ? { "retry-after": String(seconds) } : {}),
      },
    },
  );
}

function retryAfterHeader(headers: Headers): Record<string, string> {
  const value = headers.get("retry-after");
  return value ? { "retry-after": value } : {};
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
}
