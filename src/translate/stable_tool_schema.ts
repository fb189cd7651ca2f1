/**
 * Tool definitions in a stable key order (docs/backend-protocol.md#prompt-cache),
 * so that the same tools give byte-identical upstream JSON on every turn,
 * whatever order a client's serialiser wrote the keys in this time: the
 * backend's prompt cache matches on the exact prefix, tools included.
 *
 * Schema keywords (`type`, `description`, `required`, …) are sorted at every
 * level. The names inside `properties` and other name→schema maps keep the
 * client's order: the model reads them in that order and fills arguments
 * in it, so that order is the client's to choose.
 *
 * @module
 */
import type { ToolDefinition } from "../request/request_model.ts";

/** Keys whose value maps names to schemas: their member order is the client's. */
const NAMED_SCHEMAS: ReadonlySet<string> = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/** Leading keys of a tool definition, in this order; any other key follows, sorted. */
const TOOL_KEY_ORDER = ["type", "name", "description", "strict", "parameters", "format", "tools"];

/** A tool definition with its keys and every schema's keywords in a stable order. */
export function stableTool(tool: ToolDefinition): ToolDefinition {
  const source: Record<string, unknown> = { ...tool };
  const keys = Object.keys(source).sort((a, b) => rank(a) - rank(b) || compare(a, b));
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = source[key];
    if (key === "tools" && Array.isArray(value)) {
      // A namespace tool holds tools of its own.
      out[key] = value.map((t) => isObject(t) ? stableTool(t as ToolDefinition) : t);
    } else out[key] = stableSchema(value);
  }
  return out as ToolDefinition;
}

/** A JSON value with object keys sorted, except the members of name→schema maps. */
export function stableSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stableSchema);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compare)) {
    const member = value[key];
    if (NAMED_SCHEMAS.has(key) && isObject(member)) {
      const named: Record<string, unknown> = {};
      for (const name of Object.keys(member)) named[name] = stableSchema(member[name]);
      out[key] = named;
    } else out[key] = stableSchema(member);
  }
  return out;
}

function rank(key: string): number {
  const i = TOOL_KEY_ORDER.indexOf(key);
  return i === -1 ? TOOL_KEY_ORDER.length : i;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
