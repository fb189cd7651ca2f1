/**
 * Backend events → the Responses stream, in one of two ways.
 *
 * With `codex_passthrough: false` the backend's events are rebuilt by
 * codexgate: the model name echoed as the client asked, tool names mapped
 * back, `sequence_number` counted by codexgate, and the terminal `response`
 * carrying the full `output`.
 *
 * With `codex_passthrough: true` every backend event is written byte for byte
 * as received, except a terminal `response.completed` / `response.incomplete`
 * with an empty `output`, which gets the finished items filled in (the
 * `openai` SDK's `responses.stream()` replaces what it accumulated with that
 * object, docs/backend-protocol.md#completed-responses-carry-no-output), and an item whose tool name codexgate had
 * to change for the backend, which gets the client's name back.
 *
 * @module
 */
import type { ResponseAccumulator } from "../../upstream/response_accumulator.ts";
import { eventFrame } from "../../sse/sse_format.ts";
import type { UpstreamEvent } from "../../upstream/events.ts";
import type { ResponseContext, StreamMapper } from "../frontend.ts";
import { clientResponse, normalizeItem, normalizeResponse, renamed } from "./render_response.ts";

/** The mapper the request's capabilities ask for; `accumulator` is fed by the stream loop. */
export function createResponsesStreamMapper(
  context: ResponseContext,
  accumulator: ResponseAccumulator,
): StreamMapper {
  return context.capabilities.codex_passthrough
    ? createPassthroughStreamMapper(context, accumulator)
    : createNormalizedStreamMapper(context, accumulator);
}

/** Creates the normalising mapper for one response; `accumulator` is fed by the stream loop. */
export function createNormalizedStreamMapper(
  context: ResponseContext,
  accumulator: ResponseAccumulator,
): StreamMapper {
  let sequence = 0;
  return {
    map(event: UpstreamEvent): string {
      const out: UpstreamEvent = { ...event };
      if (out.response) {
        out.response = event.type === "response.completed" || event.type === "response.incomplete"
          ? clientResponse(out.response, accumulator.outputItems(), context)
          : normalizeResponse(out.response, context);
      }
      if (out.item) out.item = normalizeItem(out.item, context);
      out.sequence_number = sequence++;
      return eventFrame(out.type, JSON.stringify(out));
    },
    end: () => "",
  };
}

/** Creates the verbatim mapper for one response; `accumulator` is fed by the stream loop. */
export function createPassthroughStreamMapper(
  context: ResponseContext,
  accumulator: ResponseAccumulator,
): StreamMapper {
  return {
    map(event: UpstreamEvent, raw: string): string {
      const response = event.response;
      if (
        response && (event.type === "response.completed" || event.type === "response.incomplete")
      ) {
        const filled = clientResponse(response, accumulator.outputItems(), context);
        // Unchanged (output already there, no tool name to map back): verbatim.
        if (filled === response) return eventFrame(event.type, raw);
        return eventFrame(event.type, JSON.stringify({ ...event, response: filled }));
      }
      // Only a call whose tool name codexgate changed is rewritten, to the client's name.
      if (event.item && renamed(event.item, context)) {
        return eventFrame(
          event.type,
          JSON.stringify({ ...event, item: normalizeItem(event.item, context) }),
        );
      }
      return eventFrame(event.type, raw);
    },
    end: () => "",
  };
}
