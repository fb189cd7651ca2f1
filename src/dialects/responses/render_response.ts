/**
 * The `response` object a Responses client receives, built from the
 * backend's: `output` filled in from the finished items (the backend's
 * terminal event carries `output: []`,
 * docs/backend-protocol.md#completed-responses-carry-no-output), and, unless passthrough is
 * on, the model name echoed as the client asked and tool names mapped back.
 *
 * @module
 */
import type { UpstreamItem, UpstreamResponse } from "../../upstream/events.ts";
import type { AccumulatedResponse } from "../../upstream/response_accumulator.ts";
import type { ResponseContext } from "../frontend.ts";

/** The non-streaming Responses answer: the client's `response` object. */
export function renderResponsesResponse(
  result: AccumulatedResponse,
  context: ResponseContext,
): UpstreamResponse {
  return clientResponse(result.response, result.output, context);
}

/** The client's `response` object. `output` replaces an empty upstream `output`. */
export function clientResponse(
  response: UpstreamResponse,
  output: readonly UpstreamItem[],
  context: ResponseContext,
): UpstreamResponse {
  const filled = Array.isArray(response.output) && response.output.length > 0
    ? response
    : { ...response, output: [...output] };
  if (!context.capabilities.codex_passthrough) return normalizeResponse(filled, context);
  // Passthrough keeps the backend's object; only tool names codexgate changed are mapped back.
  const items = filled.output ?? [];
  return items.some((item) => renamed(item, context))
    ? { ...filled, output: items.map((item) => normalizeItem(item, context)) }
    : filled;
}

/** The model name as the client asked, and client tool names in the output. */
export function normalizeResponse(
  response: UpstreamResponse,
  context: ResponseContext,
): UpstreamResponse {
  const out: UpstreamResponse = { ...response };
  if ("model" in out) out.model = context.model;
  if (Array.isArray(out.output)) {
    out.output = out.output.map((item) => normalizeItem(item, context));
  }
  return out;
}

/** Whether codexgate sent this call's tool upstream under another name. */
export function renamed(item: UpstreamItem, context: ResponseContext): boolean {
  return typeof item.name === "string" && item.type.endsWith("_call") &&
    context.toolNameFromUpstream(item.name) !== item.name;
}

/** A tool-call item with the client's tool name. */
export function normalizeItem(item: UpstreamItem, context: ResponseContext): UpstreamItem {
  if (typeof item.name !== "string" || !item.type.endsWith("_call")) return item;
  return { ...item, name: context.toolNameFromUpstream(item.name) };
}
