/**
 * One structured log line per request (id, method, path, model, backend,
 * status, time to first byte, duration, tokens, the reasoning effort used,
 * and for a failure its error code, plus the message at debug), written
 * when the answer ends: for a stream, when its last byte went out or the
 * client left. A client that left is status 499 `client_closed_request`.
 * See docs/compatibility.md.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { EffortChoice } from "../models/choose_effort.ts";
import type { ProxyError } from "../errors.ts";
import type { UpstreamUsage } from "../upstream/events.ts";
import { watchBodyEnd } from "./body_end.ts";
import { CLIENT_CLOSED } from "./client_gone.ts";
import type { FinishedRequest, RequestEvents } from "./request_events.ts";

/** What one request learned about itself; filled in as the pipeline runs. */
export interface RequestRecord {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  /** `performance.now()` at arrival. */
  readonly startedAt: number;
  model?: string;
  /** The frontend's dialect, for completions. */
  dialect?: string;
  backend?: string;
  /** The account that answered (its name in the pool). */
  account?: string;
  /** The api key's name, when keys are named. */
  client?: string;
  /** Milliseconds from arrival to the first upstream event. */
  ttfbMs?: number;
  usage?: UpstreamUsage;
  /** Code of an error that ended a stream after its start. */
  streamError?: string;
  /** The error that ended the request (before or after the first byte). */
  error?: { code: string; message: string };
  /** The reasoning effort that went upstream, and what the client asked. */
  reasoningEffort?: EffortChoice;
  /** Client parameters that change the answer's shape and could not be honoured. */
  ignoredParams?: string[];
  /** The plan's usage headers of this answer. */
  quota?: Record<string, string>;
  /** The service tier that went upstream: `priority` (fast mode) or `default`. */
  serviceTier?: string;
}

/** A handler that fills a record. */
export type RecordingHandler = (request: Request, record: RequestRecord) => Promise<Response>;

/** Options of {@link withRequestLog}. */
export interface RequestLogOptions {
  logger: Logger;
  newId: () => string;
  /** Milliseconds, monotonic. */
  clock?: () => number;
  /** Told of every finished request, when the log line is written. */
  events?: RequestEvents;
  /** Epoch milliseconds, for the finished request's time. */
  now?: () => number;
}

/** Wraps a handler so that every request gets an id and exactly one log line. */
export function withRequestLog(
  inner: RecordingHandler,
  options: RequestLogOptions,
): (request: Request) => Promise<Response> {
  const clock = options.clock ?? (() => performance.now());
  return async (request) => {
    const url = new URL(request.url);
    const record: RequestRecord = {
      id: options.newId(),
      method: request.method,
      path: url.pathname,
      startedAt: clock(),
    };
    const response = await inner(request, record);
    const write = (outcome?: { code: string; message: string }) => {
      // What the pipeline saw wins: it knows why a stream ended.
      if (outcome) {
        record.error ??= outcome;
        record.streamError ??= outcome.code;
      }
      const ended = clock();
      logLine(options.logger, record, response.status, ended);
      options.events?.publish(finishedRequest(record, response.status, ended, options.now));
    };
    const streaming = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
    if (!streaming || !response.body) {
      write();
      return response;
    }
    return watchBodyEnd(response, {
      ended: (end) => {
        if (end.kind === "done") write();
        else if (end.kind === "cancelled") {
          write({ code: CLIENT_CLOSED, message: "The client closed the stream" });
        } else {
          const { error } = end;
          write({ code: "stream_failed", message: String((error as Error)?.message ?? error) });
        }
      },
    });
  };
}

/** The status a request ended with: a stream the client abandoned started as 200; it is 499. */
function finalStatus(record: RequestRecord, status: number): number {
  return record.error?.code === CLIENT_CLOSED ? 499 : status;
}

function finishedRequest(
  record: RequestRecord,
  status: number,
  ended: number,
  now: () => number = Date.now,
): FinishedRequest {
  const u = record.usage;
  return {
    id: record.id,
    time: now(),
    method: record.method,
    path: record.path,
    dialect: record.dialect,
    model: record.model,
    backend: record.backend,
    account: record.account,
    client: record.client,
    status: finalStatus(record, status),
    errorCode: record.error?.code,
    durationMs: Math.round(ended - record.startedAt),
    ttfbMs: record.ttfbMs !== undefined ? Math.round(record.ttfbMs) : undefined,
    tokens: u
      ? {
        input: u.input_tokens ?? 0,
        cached: u.input_tokens_details?.cached_tokens ?? 0,
        output: u.output_tokens ?? 0,
        reasoning: u.output_tokens_details?.reasoning_tokens ?? 0,
      }
      : undefined,
    reasoningEffort: record.reasoningEffort?.used,
    serviceTier: record.serviceTier,
  };
}

/** Read-only monitoring paths whose request lines go to debug. */
const QUIET_PATHS = new Set(["/health", "/", "/ui", "/status", "/status/events"]);

function logLine(logger: Logger, record: RequestRecord, status: number, now: number): void {
  const u = record.usage;
  const error = record.error;
  const effort = record.reasoningEffort;
  const fields = {
    id: record.id,
    method: record.method,
    path: record.path,
    model: record.model,
    dialect: record.dialect,
    backend: record.backend,
    account: record.account,
    client: record.client,
    status: finalStatus(record, status),
    ttfb_ms: record.ttfbMs !== undefined ? Math.round(record.ttfbMs) : undefined,
    duration_ms: Math.round(now - record.startedAt),
    tokens: u
      ? {
        input: u.input_tokens,
        cached: u.input_tokens_details?.cached_tokens,
        output: u.output_tokens,
        reasoning: u.output_tokens_details?.reasoning_tokens,
      }
      : undefined,
    reasoning_effort: effort?.used,
    reasoning_effort_requested: effort && effort.requested !== effort.used
      ? effort.requested
      : undefined,
    service_tier: record.serviceTier,
    ignored_params: record.ignoredParams,
    error_code: error?.code,
    // The message can quote the request; it stays out of info lines.
    error_message: error && logger.enabled("debug") ? error.message : undefined,
    stream_error: record.streamError,
    quota_primary_used_percent: numberOrUndefined(record.quota?.["x-codex-primary-used-percent"]),
    quota_secondary_used_percent: numberOrUndefined(
      record.quota?.["x-codex-secondary-used-percent"],
    ),
  };
  // Health probes and the status page's polls are frequent and say nothing: keep them out of info.
  if (record.method === "GET" && QUIET_PATHS.has(record.path)) logger.debug("request", fields);
  else logger.info("request", fields);
}

function numberOrUndefined(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Notes on the record the error that ended the request (code always, message for debug). */
export function recordError(record: RequestRecord, error: ProxyError): void {
  record.error = { code: error.code ?? error.type ?? String(error.status), message: error.message };
}

/** Headers that tell the client what codexgate did with its request. */
export function answerHeaders(record: RequestRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  if (record.reasoningEffort) headers["x-codexgate-reasoning-effort"] = record.reasoningEffort.used;
  if (record.ignoredParams) headers["x-codexgate-ignored-params"] = record.ignoredParams.join(", ");
  return headers;
}
