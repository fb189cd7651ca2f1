/**
 * The Responses stream with `codex_passthrough: false`: the backend's events
 * rebuilt by codexgate: the model name echoed as the client asked, tool names
 * mapped back, `sequence_number` counted by codexgate, and the terminal
 * `response` carrying the full `output`.
 *
 * @module
 */
import type { ResponseAccumulator } from "../../upstream/response_accumulator.ts";
import { eventFrame } from "../../sse/sse_format.ts";
import type { UpstreamEvent } from "../../upstream/events.ts";
import type { ResponseContext, StreamMapper } from "../frontend.ts";
import { clientResponse, normalizeItem, normalizeResponse } from "./client_response.ts";

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
