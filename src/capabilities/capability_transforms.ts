/**
 * The event transforms one request's capabilities ask for, in order: the
 * tool-call reactor first (a blocked call is never rendered), then tool calls
 * as text.
 *
 * @module
 */
import type { Capabilities } from "./schema.ts";
import type { CompiledRule } from "./reactor_rules.ts";
import type { Logger } from "../log.ts";
import { composeTransforms, type EventTransform } from "./event_transform.ts";
import { ToolCallReactor } from "./tool_call_reactor.ts";
import { ToolTextFormatter } from "./tool_text_format.ts";

/** Per-request inputs. */
export interface CapabilityTransformOptions {
  /** The backend's reactor rules, compiled once when the app starts. */
  rules: readonly CompiledRule[];
  logger: Logger;
  requestId: string;
  /** The client's name for an upstream tool name. */
  toolName?: (upstreamName: string) => string;
}

/** A fresh transform for one request, or undefined when events pass untouched. */
export function createCapabilityTransform(
  capabilities: Readonly<Capabilities>,
  options: CapabilityTransformOptions,
): EventTransform | undefined {
  const transforms: EventTransform[] = [];
  if (!capabilities.bypass_tool_call_reactor && options.rules.length > 0) {
    transforms.push(
      new ToolCallReactor({
        rules: options.rules,
        logger: options.logger,
        requestId: options.requestId,
        toolName: options.toolName,
      }),
    );
  }
  if (capabilities.tool_text_format !== "none") {
    transforms.push(new ToolTextFormatter(capabilities.tool_text_format, options.toolName));
  }
  return transforms.length > 0 ? composeTransforms(transforms) : undefined;
}
