/**
 * The Responses protocol over one WebSocket (`GET /v1/responses` with an
 * upgrade), as the Codex CLI speaks it to a provider with
 * `supports_websockets = true` (docs/websocket-and-compaction.md#websocket).
 *
 * Each `{"type": "response.create", …}` frame is one turn, and a turn is
 * exactly an HTTP request: its body (without `type`, always streaming) and
 * the upgrade's headers become a `POST` that runs through the app's own
 * handler: key check, request log, the five stages, `previous_response_id`
 * from the response store. The answer's events go back one text frame each;
 * an HTTP error becomes an `error` frame carrying its status. So a socket
 * adds no second pipeline, and the backend is still called over HTTP.
 *
 * Turns run one at a time, in order. The socket closes when idle for too
 * long and at its maximum age; a client that leaves aborts the turn in
 * flight, which ends its upstream request.
 *
 * @module
 */
import { ProxyError } from "../../errors.ts";
import { sseParseStream } from "../../sse/sse_parse_stream.ts";
import type { InputItem } from "../../request/request_model.ts";
import type { ResponseStore } from "../../state/response_store.ts";
import type { UpgradeOptions } from "../frontend.ts";
import { startTimer, type Timer } from "../../timers.ts";

/** What a socket needs: the app's options, and the store a warm-up is remembered in. */
export interface ResponsesSocketOptions extends UpgradeOptions {
  store: ResponseStore;
}

/** Close code for a normal end (idle, age limit). */
const NORMAL_CLOSURE = 1000;
/** Close code for a server that is shutting down. */
const GOING_AWAY = 1001;
/** Upgrade headers that must not reach a turn's synthetic request. */
const UPGRADE_ONLY = /^(upgrade|connection|sec-websocket-.*|content-length|transfer-encoding)$/i;
/** Response headers an error frame carries (what the client needs to back off and account). */
const ERROR_FRAME_HEADERS = /^(retry-after|x-request-id|x-codex-.*)$/i;

/** Upgrades `request` and serves the Responses protocol on the socket. */
export function openResponsesSocket(request: Request, options: ResponsesSocketOptions): Response {
  // The upgrade request is closed once upgraded: take what the turns need first.
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (!UPGRADE_ONLY.test(name)) headers.set(name, value);
  }
  headers.set("content-type", "application/json");
  headers.set("accept", "text/event-stream");
  const url = request.url;
  let upgraded: { socket: WebSocket; response: Response };
  try {
    upgraded = Deno.upgradeWebSocket(request);
  } catch (err) {
    throw new ProxyError(400, `Not a valid WebSocket upgrade: ${(err as Error).message}`, {
      code: "invalid_upgrade",
      type: "invalid_request_error",
    });
  }
  const { socket, response } = upgraded;
  new ResponsesSocket(socket, { url, headers }, options).start();
  return response;
}

/** Why a socket ends: its close code and reason, and the error a turn sent meanwhile gets. */
interface Ending {
  code: number;
  reason: string;
  refusal: { status: number; type: string; code: string; message: string };
}

/** One client's socket: its queue of turns, its timers, its end. */
class ResponsesSocket {
  readonly #socket: WebSocket;
  /** The upgrade's URL and headers (a turn's `POST` carries them). */
  readonly #url: string;
  readonly #headers: Headers;
  readonly #options: ResponsesSocketOptions;
  #queue: Promise<void> = Promise.resolve();
  #running = 0;
  #turns = 0;
  /** Set at the age limit or at shutdown: no new turn; the close once the running one ends. */
  #ending: Ending | undefined;
  #closed = false;
  readonly #done = Promise.withResolvers<void>();
  #turnAbort = new AbortController();
  #idleTimer: Timer | undefined;
  #ageTimer: Timer | undefined;
  readonly #openedAt = performance.now();

  constructor(
    socket: WebSocket,
    upgrade: { url: string; headers: Headers },
    options: ResponsesSocketOptions,
  ) {
    this.#socket = socket;
    this.#url = upgrade.url;
    this.#headers = upgrade.headers;
    this.#options = options;
  }

  start(): void {
    const socket = this.#socket;
    socket.onopen = () => {
      this.#options.logger.info("websocket opened", { id: this.#options.id });
      this.#options.sockets?.track(this.#done.promise);
      this.#armIdle();
      this.#ageTimer = startTimer(this.#options.maxAgeMs, () => this.#onMaxAge());
      this.#options.shutdown?.addEventListener("abort", this.#onShutdown);
      if (this.#options.shutdown?.aborted) this.#onShutdown();
    };
    socket.onmessage = (event) => this.#onFrame(event.data);
    socket.onclose = (event) => {
      this.#onClose(event.code, event.reason);
      // Only now is the close handshake over (a shutdown waits for it).
      this.#done.resolve();
    };
    socket.onerror = () => {/* onclose follows and says why */};
  }

  #onFrame(data: unknown): void {
    this.#armIdle();
    if (typeof data !== "string") {
      return this.#sendError(
        400,
        "invalid_request_error",
        "unsupported_frame",
        "Binary frames are not supported: send JSON text frames.",
      );
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return this.#sendError(
        400,
        "invalid_request_error",
        "invalid_json",
        "The frame is not valid JSON.",
      );
    }
    if (frame === null || typeof frame !== "object" || Array.isArray(frame)) {
      return this.#sendError(
        400,
        "invalid_request_error",
        "invalid_frame",
        "A frame must be a JSON object with a `type`.",
      );
    }
    const { type, ...body } = frame as Record<string, unknown>;
    this.#options.logger.debug("websocket frame", {
      id: this.#options.id,
      type,
      keys: Object.keys(body),
      generate: body.generate,
      store: body.store,
      previous_response_id: body.previous_response_id,
      input_items: Array.isArray(body.input) ? body.input.length : undefined,
    });
    if (type === "response.processed") return; // The client's receipt for a response: nothing to do.
    if (type !== "response.create") {
      return this.#sendError(
        400,
        "invalid_request_error",
        "unknown_frame_type",
        `Unknown frame type ${JSON.stringify(type)}: send \`response.create\`.`,
      );
    }
    if (this.#ending) return this.#refuseEnding(this.#ending);
    this.#running++;
    this.#queue = this.#queue.then(() => this.#runTurn(body)).catch((err) =>
      this.#options.logger.error("websocket turn failed", {
        id: this.#options.id,
        error: String(err),
      })
    ).finally(() => {
      this.#running--;
      this.#armIdle();
      if (this.#ending && this.#running === 0) this.#close(this.#ending.reason, this.#ending.code);
    });
  }

  async #runTurn(frameBody: Record<string, unknown>): Promise<void> {
    if (this.#closed) return;
    this.#turns++;
    // `generate: false` only warms the connection: answered here, nothing goes upstream.
    if (frameBody.generate === false) return this.#answerWarmup(frameBody);
    // Over a socket a later turn may name any earlier response of it (`previous_response_id`
    // with only the new input), whatever `store` says: so codexgate keeps every turn's
    // response. The backend still gets `store: false`.
    const { store: _store, generate: _generate, ...body } = frameBody;
    const request = new Request(this.#url, {
      method: "POST",
      headers: this.#headers,
      // A socket always streams: its frames are the events.
      body: JSON.stringify({ ...body, stream: true }),
      signal: this.#turnAbort.signal,
    });
    let response: Response;
    try {
      response = await this.#options.turn(request);
    } catch (err) {
      // The handler answers every failure itself; this is only a socket that went away.
      this.#options.logger.debug("websocket turn ended early", {
        id: this.#options.id,
        error: String(err),
      });
      return;
    }
    this.#options.logger.debug("websocket turn", {
      id: this.#options.id,
      requestId: response.headers.get("x-request-id") ?? undefined,
      status: response.status,
    });
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !type.startsWith("text/event-stream") || !response.body) {
      return this.#sendErrorAnswer(response);
    }
    const frames = response.body.pipeThrough(sseParseStream());
    try {
      for await (const frame of frames) {
        if (this.#closed) break;
        if (frame.data === "[DONE]") continue;
        this.#socket.send(frame.data);
      }
    } catch (err) {
      if (!this.#closed) {
        this.#options.logger.warn("websocket turn stream failed", {
          id: this.#options.id,
          error: String(err),
        });
      }
    }
  }

  /**
   * A warm-up's answer: a response with no output, as the backend gives one. It is
   * remembered, since the next turn continues from it with only the new input.
   */
  async #answerWarmup(body: Record<string, unknown>): Promise<void> {
    const previousId = body.previous_response_id;
    const previous = typeof previousId === "string"
      ? await this.#options.store.get(previousId)
      : undefined;
    const own: InputItem[] = typeof body.input === "string"
      ? [{ type: "message", role: "user", content: [{ type: "input_text", text: body.input }] }]
      : Array.isArray(body.input)
      ? body.input as InputItem[]
      : [];
    const input = previous ? [...previous.input, ...previous.output, ...own] : own;
    const response = {
      id: `resp_${crypto.randomUUID().replaceAll("-", "")}`,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      model: body.model,
      output: [],
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    };
    await this.#options.store.save({
      id: response.id,
      input,
      output: [],
      response: { ...response, status: "completed" },
    });
    this.#send({
      type: "response.created",
      response: { ...response, status: "in_progress" },
      sequence_number: 0,
    });
    this.#send({
      type: "response.completed",
      response: { ...response, status: "completed" },
      sequence_number: 1,
    });
  }

  /** An HTTP error answer as the `error` frame the Codex CLI reads (status + error object). */
  async #sendErrorAnswer(response: Response): Promise<void> {
    const text = await response.text().catch(() => "");
    let error: unknown;
    try {
      error = (JSON.parse(text) as { error?: unknown }).error;
    } catch { /* not JSON: the text is the message */ }
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) {
      if (ERROR_FRAME_HEADERS.test(name)) headers[name] = value;
    }
    this.#send({
      type: "error",
      status: response.status,
      error: error ?? { type: "server_error", message: text || `HTTP ${response.status}` },
      headers,
    });
  }

  #sendError(status: number, type: string, code: string, message: string): void {
    this.#send({ type: "error", status, error: { type, code, message } });
  }

  /** A new turn while the socket ends: the ending's error frame, then the close. */
  #refuseEnding(ending: Ending): void {
    const { status, type, code, message } = ending.refusal;
    this.#sendError(status, type, code, message);
    this.#close(ending.reason, ending.code);
  }

  #onMaxAge(): void {
    this.#end({
      code: NORMAL_CLOSURE,
      reason: "connection limit reached",
      refusal: {
        status: 400,
        type: "invalid_request_error",
        code: "websocket_connection_limit_reached",
        message: `This WebSocket reached its limit (${
          Math.round(this.#options.maxAgeMs / 60000)
        } minutes). Open a new connection to continue.`,
      },
    });
  }

  /** Shutdown waits for open sockets: an idle one closes now, a busy one after its turn. */
  readonly #onShutdown = () =>
    this.#end({
      code: GOING_AWAY,
      reason: "server shutting down",
      refusal: {
        status: 503,
        type: "server_error",
        code: "server_shutting_down",
        message: "codexgate is shutting down: open a new connection once it is back.",
      },
    });

  #end(ending: Ending): void {
    this.#ending ??= ending;
    // A turn in flight may finish; the socket closes after it.
    if (this.#running === 0) this.#close(this.#ending.reason, this.#ending.code);
  }

  #armIdle(): void {
    this.#idleTimer?.cancel();
    if (this.#closed) return;
    this.#idleTimer = startTimer(this.#options.idleTimeoutMs, () => {
      if (this.#running === 0) this.#close("idle timeout");
      else this.#armIdle();
    });
  }

  #send(value: unknown): void {
    if (this.#closed || this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(JSON.stringify(value));
  }

  #close(reason: string, code = NORMAL_CLOSURE): void {
    if (this.#closed) return;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, reason);
    this.#onClose(code, reason);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idleTimer?.cancel();
    this.#ageTimer?.cancel();
    this.#options.shutdown?.removeEventListener("abort", this.#onShutdown);
    // A client that left takes its turn with it: the upstream request ends too.
    this.#turnAbort.abort();
    this.#options.logger.info("websocket closed", {
      id: this.#options.id,
      turns: this.#turns,
      code,
      reason: reason || undefined,
      duration_ms: Math.round(performance.now() - this.#openedAt),
    });
  }
}
