/**
 * Backend events (docs/backend-protocol.md#events) → `chat.completion.chunk`
 * frames. Tool calls stream incrementally: id and name first, then each argument fragment as it
 * arrives. All state lives in the mapper instance, one per request.
 *
 * The last chunk (the one with `finish_reason`) also carries
 * `delta.reasoning_encrypted_content` when the backend sent encrypted
 * reasoning, so a client can replay it on the next turn (see parse_request).
 *
 * @module
 */
import type { UpstreamEvent, UpstreamUsage } from "../../upstream/events.ts";
import { mapUpstreamEventError } from "../../upstream/map_upstream_error.ts";
import type { ResponseContext, StreamMapper } from "../frontend.ts";
import { chatStreamError } from "./error_body.ts";
import { mapFinishReason } from "./map_finish_reason.ts";
import { mapChatUsage } from "./map_usage.ts";
import { REPLAY_FIELD, replayValue } from "./reasoning_replay.ts";
import { StopSequenceCutter } from "../stop_sequence_cutter.ts";

/** A tool call being streamed. */
interface CallState {
  index: number;
  /** Whether any argument fragment was sent (else the `.done` event's full text is). */
  streamed: boolean;
}

/** Creates the Chat Completions stream mapper for one response. */
export function createChatStreamMapper(context: ResponseContext): StreamMapper {
  const id = `chatcmpl-${context.requestId}`;
  // The prefix of every chunk is the same; build it once.
  const head = `data: {"id":${
    JSON.stringify(id)
  },"object":"chat.completion.chunk","created":${context.created},"model":${
    JSON.stringify(context.model)
  },"choices":`;
  const chunk = (delta: unknown, finish: string | null = null) =>
    `${head}[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${
      finish === null ? "null" : JSON.stringify(finish)
    }}]}\n\n`;
  const reasoningField = context.reasoningField;
  const stop = new StopSequenceCutter(context.request.stop ?? []);
  // Keyed by item id, and by output index for items that come without an id.
  const calls = new Map<string, CallState>();
  const encrypted: string[] = [];
  let callCount = 0;
  let roleSent = false;
  let reasoningSent = false;
  let done = false;
  let failed = false;

  const role = () => {
    if (roleSent) return "";
    roleSent = true;
    return chunk({ role: "assistant", content: "" });
  };
  const content = (text: string) => (text === "" ? "" : role() + chunk({ content: text }));
  const reasoning = (text: string) => {
    if (text === "") return "";
    reasoningSent = true;
    return role() + chunk({ [reasoningField]: text });
  };
  const callOf = (event: UpstreamEvent) =>
    calls.get(event.item_id ?? "") ?? calls.get(`#${event.output_index}`);

  /** The finish chunk (+ usage chunk); ends the mapping. */
  const finish = (reason: string, usage: UpstreamUsage | null | undefined, final: boolean) => {
    done = true;
    let out = content(stop.flush());
    const delta: Record<string, unknown> = {};
    const replay = replayValue(encrypted);
    if (replay !== undefined) delta[REPLAY_FIELD] = replay;
    out += role() + chunk(delta, reason);
    // A stream cut at a stop sequence never learns the backend's usage: no usage chunk then.
    if (context.request.include_usage && final) {
      out += `${head}[],"usage":${JSON.stringify(mapChatUsage(usage))}}\n\n`;
    }
    return out;
  };

  return {
    map(event: UpstreamEvent): string {
      if (done) return "";
      switch (event.type) {
        case "response.created":
          return role();
        case "response.output_text.delta": {
          const out = content(stop.push(event.delta ?? "").text);
          return stop.stopped ? out + finish("stop", undefined, false) : out;
        }
        case "response.refusal.delta":
          return event.delta ? role() + chunk({ refusal: event.delta }) : "";
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta":
          return reasoning(event.delta ?? "");
        case "response.reasoning_summary_part.added":
          // Separate summary parts (and reasoning items) the way the Codex CLI shows them.
          return reasoningSent ? role() + chunk({ [reasoningField]: "\n\n" }) : "";
        case "response.output_item.added": {
          const item = event.item;
          if (item?.type !== "function_call" && item?.type !== "custom_tool_call") return "";
          const state: CallState = { index: callCount++, streamed: false };
          if (item.id) calls.set(item.id, state);
          if (event.output_index !== undefined) calls.set(`#${event.output_index}`, state);
          return content(stop.flush()) + role() + chunk({
            tool_calls: [{
              index: state.index,
              id: item.call_id,
              type: "function",
              function: { name: context.toolNameFromUpstream(item.name ?? ""), arguments: "" },
            }],
          });
        }
        case "response.function_call_arguments.delta":
        case "response.custom_tool_call_input.delta": {
          const call = callOf(event);
          if (call === undefined || !event.delta) return "";
          call.streamed = true;
          return chunk({
            tool_calls: [{ index: call.index, function: { arguments: event.delta } }],
          });
        }
        case "response.function_call_arguments.done":
        case "response.custom_tool_call_input.done": {
          // A call whose arguments came only whole still reaches the client.
          const call = callOf(event);
          const whole = event.type === "response.function_call_arguments.done"
            ? event.arguments
            : typeof event.input === "string"
            ? event.input
            : undefined;
          if (call === undefined || call.streamed || !whole) return "";
          call.streamed = true;
          return chunk({ tool_calls: [{ index: call.index, function: { arguments: whole } }] });
        }
        case "response.output_item.done": {
          const item = event.item;
          if (item?.type === "reasoning" && typeof item.encrypted_content === "string") {
            encrypted.push(item.encrypted_content);
          }
          return item?.type === "message" ? content(stop.flush()) : "";
        }
        case "response.completed":
        case "response.incomplete": {
          const response = event.response;
          return finish(
            mapFinishReason({
              status: event.type === "response.completed" ? "completed" : "incomplete",
              incompleteReason: response?.incomplete_details?.reason,
              sawToolCall: callCount > 0,
            }),
            response?.usage,
            true,
          );
        }
        case "response.failed":
        case "error": {
          done = true;
          failed = true;
          return chatStreamError(mapUpstreamEventError(event), context.requestId);
        }
        default:
          return "";
      }
    },
    // After an in-band error the stream just closes: the error event is the last word.
    end: () => (failed ? "" : "data: [DONE]\n\n"),
    finished: () => done,
  };
}
