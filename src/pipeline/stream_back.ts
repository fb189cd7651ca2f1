/**
 * Stage 5 of 5: the backend's event stream → the client's answer, streaming
 * or aggregated. Waits for the first event before committing to 200, so a
 * failure that comes first still gets a real HTTP status; after that, a
 * failure is one in-band error event and a clean close.
 *
 * @module
 */
import { createCapabilityTransform } from "../capabilities/capability_transforms.ts";
import { transformBatch } from "../capabilities/event_transform.ts";
import type { CompiledRule } from "../capabilities/reactor_rules.ts";
import type { Capabilities } from "../capabilities/schema.ts";
import type { ResolvedBackend } from "../config/load_config.ts";
import type { AccumulatedResponse } from "../upstream/response_accumulator.ts";
import { ResponseAccumulator } from "../upstream/response_accumulator.ts";
import type { Frontend, ResponseContext } from "../dialects/frontend.ts";
import { ProxyError } from "../errors.ts";
import { clientClosedError } from "../http/client_gone.ts";
import type { Logger } from "../log.ts";
import type { CanonicalRequest } from "../request/request_model.ts";
import type { UpstreamRequest } from "../upstream/upstream_request.ts";
import type { UpstreamAnswer } from "./forward.ts";
import { UpstreamEventReader } from "../upstream/upstream_event_reader.ts";
import { TERMINAL_EVENTS, type UpstreamEvent } from "../upstream/events.ts";
import { mapUpstreamEventError } from "../upstream/map_upstream_error.ts";
import { isOutputEvent } from "../upstream/peek_first_output.ts";

/** Options of {@link streamBack}. */
export interface StreamBackOptions {
  /** The client's wire: its mapper, renderer, error shapes and finish hook. */
  frontend: Frontend;
  /** The client's request, as parsed. */
  request: CanonicalRequest;
  /** What went upstream (its body, and the tool names that had to be made safe). */
  upstream: UpstreamRequest;
  capabilities: Readonly<Capabilities>;
  /** The backend that answers (`timeout`, `reasoning_field`). */
  backend: ResolvedBackend;
  /** The backend's reactor rules, compiled once when the app started. */
  reactorRules: readonly CompiledRule[];
  requestId: string;
  /** Epoch milliseconds (the answer's `created`). */
  now: () => number;
  logger: Logger;
  /** Called once when the answer ends, with what was accumulated. */
  onFinish?: (result: AccumulatedResponse, error?: ProxyError) => void;
  /** Called once when the first event arrives (time to first byte). */
  onFirstEvent?: () => void;
  /** Sees every upstream event before the transforms (e.g. `codex.rate_limits`). */
  onUpstreamEvent?: (event: UpstreamEvent) => void;
  /** Headers the answer carries besides the quota headers and the request id. */
  headers?: Record<string, string>;
  /** The client's request signal: aborted when its connection drops. */
  signal?: AbortSignal;
}

/**
 * Builds the client's Response from the upstream answer.
 *
 * @throws {ProxyError} when the backend fails before its first output event.
 */
export async function streamBack(
  answer: UpstreamAnswer,
  options: StreamBackOptions,
): Promise<Response> {
  const { frontend, logger, request, upstream } = options;
  // The plan's usage headers and the request id travel on every answer.
  const headers = {
    ...answer.quotaHeaders,
    ...options.headers,
    "x-request-id": options.requestId,
  };
  const context: ResponseContext = {
    model: request.model,
    requestId: options.requestId,
    created: Math.floor(options.now() / 1000),
    capabilities: options.capabilities,
    request,
    upstreamBody: upstream.body,
    toolNameFromUpstream: (name) => upstream.toolNames?.get(name) ?? name,
    reasoningField: options.backend.extra.codex.reasoning_field,
  };
  const reader = new UpstreamEventReader(
    answer.response.body!,
    options.backend.timeout * 1000,
    logger,
  );
  // Capability transforms (tool-call reactor, tool calls as text), before any mapping.
  const transform = createCapabilityTransform(options.capabilities, {
    rules: options.reactorRules,
    logger,
    requestId: options.requestId,
    toolName: context.toolNameFromUpstream,
  });
  const transformed = (batch: Batch) => transform ? transformBatch(transform, batch) : batch;
  const accumulator = new ResponseAccumulator();
  let finished = false;
  const finish = (error?: ProxyError) => {
    if (finished) return;
    finished = true;
    const result = accumulator.result();
    options.onFinish?.(result, error);
    if (error || !frontend.onFinish) return;
    frontend.onFinish(result, context).catch((err) =>
      logger.error("the frontend's finish hook failed", {
        requestId: options.requestId,
        error: (err as Error)?.message ?? String(err),
      })
    );
  };

  // Peek: the first batch decides between a real HTTP error and a 200.
  let first: Batch | undefined;
  try {
    first = await reader.next();
  } catch (err) {
    reader.cancel();
    // A connection cut before the first event is the backend's failure, not ours
    // (docs/backend-protocol.md#failures-inside-the-stream).
    if (err instanceof ProxyError) throw err;
    throw new ProxyError(
      502,
      `Reading the Codex backend stream failed before its first event: ${(err as Error).message}`,
      { code: "upstream_stream_error", type: "upstream_error", cause: err },
    );
  }
  options.onFirstEvent?.();
  if (first === undefined) {
    throw new ProxyError(502, "The Codex backend closed the stream without sending an event", {
      code: "upstream_empty_stream",
      type: "upstream_error",
    });
  }
  const firstFailure = first.find((e) =>
    e.event.type === "error" || e.event.type === "response.failed"
  );
  if (firstFailure && !first.some((e) => isOutputEvent(e.event))) {
    reader.cancel();
    throw mapUpstreamEventError(firstFailure.event);
  }

  // One loop serves both answers: every event goes through the transforms into the one
  // accumulator and, when streaming, the frontend's mapper.
  const mapper = request.stream ? frontend.streamMapper(context, accumulator) : undefined;
  let pending: Batch | undefined = first;
  // The client can leave at any await: its connection drops (the signal) or it cancels the
  // body (cancel below). Then nothing more is written and nothing is logged here.
  let cancelled = false;
  const clientGone = () => cancelled || options.signal?.aborted === true;
  const next = async (): Promise<Step> => {
    let batch: Batch | undefined;
    try {
      batch = pending ?? await reader.next();
    } catch (err) {
      reader.cancel();
      // A read cut short by the client leaving is not the backend's failure.
      if (clientGone()) return { out: "", end: { error: clientClosedError(), inBand: false } };
      const error = err instanceof ProxyError ? err : new ProxyError(
        502,
        `Reading the Codex backend stream failed: ${(err as Error).message}`,
        { code: "upstream_stream_error", type: "upstream_error" },
      );
      logger.warn("upstream stream failed after its first event", {
        requestId: options.requestId,
        error: error.message,
      });
      return { out: "", end: { error, inBand: false } };
    }
    pending = undefined;
    if (batch === undefined) {
      if (accumulator.finished) return { out: "", end: { inBand: true } };
      return { out: "", end: { error: streamCut(), inBand: false } };
    }
    let out = "";
    for (const { event } of batch) options.onUpstreamEvent?.(event);
    for (const { event, raw } of transformed(batch)) {
      accumulator.push(event);
      if (mapper) out += mapper.map(event, raw);
      if (TERMINAL_EVENTS.has(event.type) || mapper?.finished?.()) break;
    }
    if (!accumulator.finished && !mapper?.finished?.()) return { out };
    reader.cancel();
    // A `response.failed` / `error` event: the mapper already told a streaming client in band.
    const { failure } = accumulator.result();
    return {
      out,
      end: { error: failure ? mapUpstreamEventError(failure) : undefined, inBand: true },
    };
  };

  if (!mapper) {
    let end: Step["end"];
    while (!end) end = (await next()).end;
    if (end.error) {
      finish(end.error);
      throw end.error;
    }
    finish();
    const result = accumulator.result();
    // How much of the input the backend's prompt cache served (streams say it in their usage).
    const cached = String(result.usage?.input_tokens_details?.cached_tokens ?? 0);
    return Response.json(frontend.render(result, context), {
      headers: { ...headers, "x-codexgate-cached-tokens": cached },
    });
  }

  const encoder = new TextEncoder();
  const leave = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    reader.cancel();
    finish(clientClosedError());
    if (!cancelled) {
      try {
        controller.close();
      } catch { /* already closed by a cancel */ }
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Loop until something is written: a pull that enqueues nothing is not called again.
      for (;;) {
        const { out, end } = await next();
        if (clientGone()) return leave(controller);
        if (!end) {
          if (!out) continue;
          controller.enqueue(encoder.encode(out));
          return;
        }
        const { error } = end;
        const last = out +
          (error && !end.inBand ? frontend.streamError(error, context.requestId) : mapper.end());
        if (last) controller.enqueue(encoder.encode(last));
        finish(error);
        controller.close();
        return;
      }
    },
    cancel(reason) {
      // The client went away: stop reading, which closes the upstream connection.
      cancelled = true;
      reader.cancel(reason);
      finish(clientClosedError());
    },
  }, { highWaterMark: 0 });

  return new Response(frontend.wrapStream?.(body) ?? body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
      ...headers,
    },
  });
}

/** One upstream read's events, each with its JSON text. */
type Batch = { event: UpstreamEvent; raw: string }[];

/** One pass of the loop: text for a streaming client, and how the answer ended, once it did. */
interface Step {
  out: string;
  end?: {
    /** Why the answer failed, if it did. */
    error?: ProxyError;
    /** Whether the mapper already wrote the ending (else a stream gets the frontend's error event). */
    inBand: boolean;
  };
}

function streamCut(): ProxyError {
  return new ProxyError(502, "The Codex backend stream ended before the response completed", {
    code: "upstream_stream_cut",
    type: "upstream_error",
  });
}
