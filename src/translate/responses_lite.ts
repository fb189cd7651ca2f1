/**
 * "Responses Lite" (docs/backend-protocol.md#responses-lite): models whose
 * catalog entry says `use_responses_lite: true` take their tools as an
 * `additional_tools` input item (role `developer`) instead of the top-level
 * `tools` list, no parallel tool calls, and a header that says so. Recent
 * Codex CLIs send such items themselves; they pass through.
 *
 * @module
 */
import type { CatalogModel } from "../models/catalog.ts";
import type { InputItem, ToolDefinition } from "../request/request_model.ts";

/** The header that marks a Responses Lite request. */
export const RESPONSES_LITE_HEADER = "x-openai-internal-codex-responses-lite";

/** The input item type that carries tools in Responses Lite. */
export const ADDITIONAL_TOOLS = "additional_tools";

/** Whether this request goes as Responses Lite: the catalog says so, or the client already does. */
export function usesResponsesLite(
  entry: CatalogModel | undefined,
  input: readonly InputItem[],
): boolean {
  return entry?.use_responses_lite === true || input.some((i) => i.type === ADDITIONAL_TOOLS);
}

/** The `additional_tools` item that carries `tools`. */
export function additionalToolsItem(tools: readonly ToolDefinition[]): InputItem {
  return { type: ADDITIONAL_TOOLS, role: "developer", tools: [...tools] };
}
