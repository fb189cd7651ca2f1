/**
 * What each client wire (Chat Completions, Responses, Anthropic Messages)
 * supplies to the shared pipeline.
 *
 * @module
 */
import type { OpenSockets } from "../http/open_sockets.ts";
import type { Capabilities } from "../capabilities/schema.ts";
import type { Logger } from "../log.ts";
import type { CanonicalRequest, Dialect } from "../request/request_model.ts";
import type { AccumulatedResponse, ResponseAccumulator } from "../upstream/response_accumulator.ts";
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

/** Options a frontend's extra routes get from the app. */
export interface RouteOptions {
  /** Reads the request's JSON body within the server's bounds (size, depth, deadlines). */
  readJson: () => Promise<Record<string, unknown>>;
}

/**
 * A client wire. The app routes to it and runs the same five stages for
 * every frontend; everything that differs between wires is one of these
 * hooks (docs/architecture.md).
 */
export interface Frontend {
  readonly dialect: Dialect;
  /** The completion route (`/v1/chat/completions`); the paths below it belong to this wire too. */
  readonly path: string;
  /** How this wire names the reasoning effort, for the 400 on an effort the model does not take. */
  readonly effortParam: string;
  /** Parses the client's JSON body into codexgate's request model. */
  parse(body: Record<string, unknown>, headers: Headers): CanonicalRequest;
  /** Optional: completes the input from stored state (Responses: `previous_response_id`). */
  expandInput?(request: CanonicalRequest): Promise<void>;
  /**
   * A fresh mapper for one streaming answer. `accumulated` is the answer's
   * one accumulator, already fed each event before the mapper sees it.
   */
  streamMapper(context: ResponseContext, accumulated: ResponseAccumulator): StreamMapper;
  /** The non-streaming answer body. */
  render(result: AccumulatedResponse, context: ResponseContext): unknown;
  /** The error body for an HTTP error answer. */
  errorBody(error: ProxyError, requestId: string): unknown;
  /** One in-band error event for a stream that already started. */
  streamError(error: ProxyError, requestId: string): string;
  /** Optional: wraps the client stream (Anthropic's keep-alive pings). */
  wrapStream?(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>;
  /** Optional: a response finished without error (Responses: remembers it). */
  onFinish?(result: AccumulatedResponse, context: ResponseContext): Promise<void>;
  /**
   * Optional: the wire's other routes below {@link path}. Returns the JSON
   * answer, or undefined when `path` is none of them.
   */
  route?(request: Request, path: string, options: RouteOptions): Promise<unknown | undefined>;
  /**
   * Optional: serves {@link path} over a WebSocket (Responses). The upgrade
   * already passed the key and origin checks; `options.turn` runs one turn
   * as an HTTP request through the app's handler.
   */
  upgrade?(request: Request, options: UpgradeOptions): Response;
}

/** What a frontend's WebSocket gets from the app. */
export interface UpgradeOptions {
  /** The app's handler: one turn is one `POST` to {@link Frontend.path}. */
  turn: (request: Request) => Promise<Response>;
  /** `server.websocket_idle_timeout_seconds`, in milliseconds. */
  idleTimeoutMs: number;
  /** `server.websocket_max_age_seconds`, in milliseconds. */
  maxAgeMs: number;
  /** The upgrade request's id. */
  id: string;
  logger: Logger;
  /** Aborted when the server shuts down: sockets close (1001) once their turn is done. */
  shutdown?: AbortSignal;
  /** Where an open socket is counted until it closes. */
  sockets?: OpenSockets;
}
