/**
 * What each client wire (Chat Completions, Responses, Anthropic Messages)
 * supplies to the shared pipeline.
 *
 * @module
 */
import type { Capabilities } from "../capabilities/schema.ts";
import type { CanonicalRequest, Dialect } from "../request/request_model.ts";
import type { AccumulatedResponse } from "../upstream/response_accumulator.ts";
import type { ProxyError } from "../errors.ts";
import type { UpstreamEvent } from "../upstream/events.ts";
import type { UpstreamBody } from "../upstream/upstream_request.ts";

/** Per-request values the answer side needs. */
export interface ResponseContext {
  /** Model name as the client asked, echoed back. */
  model: string;
  requestId: string;
  /** Epoch seconds. */
  created: number;
  capabilities: Readonly<Capabilities>;
  request: CanonicalRequest;
  /** The body that went upstream. */
  upstreamBody: UpstreamBody;
  /** Maps a name sent upstream back to the client's tool name. */
  toolNameFromUpstream: (name: string) => string;
  reasoningField: string;
}

/** Turns upstream events into a client stream, one event at a time. */
export interface StreamMapper {
  /** Text to write for one upstream event (may be empty). `raw` is the event's JSON text. */
  map(event: UpstreamEvent, raw: string): string;
  /** Text to write after the last event (e.g. `[DONE]`). */
  end(): string;
  /**
   * True once the mapper has sent its final chunk before the backend finished
   * (e.g. cut at a `stop` sequence): the answer ends and upstream reading stops.
   */
  finished?(): boolean;
}

/** A client wire. */
export interface Frontend {
  readonly dialect: Dialect;
  /** Parses the client's JSON body into codexgate's request model. */
  parse(body: Record<string, unknown>, headers: Headers): CanonicalRequest;
  /** A fresh mapper for one streaming answer. */
  streamMapper(context: ResponseContext): StreamMapper;
  /** The non-streaming answer body. */
  render(result: AccumulatedResponse, context: ResponseContext): unknown;
  /** The error body for an HTTP error answer. */
  errorBody(error: ProxyError, requestId: string): unknown;
  /** One in-band error event for a stream that already started. */
  streamError(error: ProxyError, requestId: string): string;
  /** Optional: wraps the client stream (Anthropic's keep-alive pings). */
  wrapStream?(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>;
}
