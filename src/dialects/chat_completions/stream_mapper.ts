/**
 * Backend events → `chat.completion.chunk` frames (spec §5). Tool calls
 * stream incrementally: id and name first, then each argument fragment as it
 * arrives. All state lives in the mapper instance, one per request.
 *
 * @module
 */
import type { UpstreamEvent } from "../../upstream/events.ts";
import { mapUpstreamEventError } from "../../upstream/map_upstream_error.ts";
import type { ResponseContext, StreamMapper } from "../frontend.ts";
import { openAIErrorBody } from "../openai_error.ts";
import { mapFinishReason } from "./map_finish_reason.ts";
import { mapChatUsage } from "./map_usage.ts";

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
  let roleSent = false;
  const callIndex = new Map<string, number>();
  let calls = 0;
  let done = false;

  const role = () => {
    if (roleSent) return "";
    roleSent = true;
    return chunk({ role: "assistant", content: "" });
  };

  return {
    map(event: UpstreamEvent): string {
      if (done) return "";
      switch (event.type) {
        case "response.created":
          return role();
        case "response.output_text.delta":
          return event.delta ? role() + chunk({ content: event.delta }) : "";
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta":
          return event.delta ? role() + chunk({ [reasoningField]: event.delta }) : "";
        case "response.reasoning_summary_part.added":
          // Separate summary parts the way the Codex CLI shows them.
          return (event.summary_index ?? 0) > 0 ? role() + chunk({ [reasoningField]: "\n\n" }) : "";
        case "response.output_item.added": {
          const item = event.item;
          if (item?.type !== "function_call" && item?.type !== "custom_tool_call") return "";
          const index = calls++;
          if (item.id) callIndex.set(item.id, index);
          return role() + chunk({
            tool_calls: [{
              index,
              id: item.call_id,
              type: "function",
              function: { name: context.toolNameFromUpstream(item.name ?? ""), arguments: "" },
            }],
          });
        }
        case "response.function_call_arguments.delta":
        case "response.custom_tool_call_input.delta": {
          const index = callIndex.get(event.item_id ?? "");
          if (index === undefined || !event.delta) return "";
          return chunk({ tool_calls: [{ index, function: { arguments: event.delta } }] });
        }
        case "response.completed":
        case "response.incomplete": {
          done = true;
          const response = event.response;
          const finish = mapFinishReason({
            status: event.type === "response.completed" ? "completed" : "incomplete",
            incompleteReason: response?.incomplete_details?.reason,
            sawToolCall: calls > 0,
          });
          let out = role() + chunk({}, finish);
          if (context.request.include_usage) {
            out += `${head}[],"usage":${JSON.stringify(mapChatUsage(response?.usage))}}\n\n`;
          }
          return out;
        }
        case "response.failed":
        case "error": {
          done = true;
          return `data: ${
            JSON.stringify(openAIErrorBody(mapUpstreamEventError(event), context.requestId))
          }\n\n`;
        }
        default:
          return "";
      }
    },
    end: () => "data: [DONE]\n\n",
  };
}
