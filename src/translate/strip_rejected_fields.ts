/**
 * Fields the backend refuses wherever they appear inside the input or the
 * tools (docs/backend-protocol.md#dropped-parameters): prompt-cache hints
 * that OpenAI's public API takes and the Codex backend answers with a 400.
 * Top-level ones never go up (the body is built from an allow-list); these
 * ride inside items a client sends as they are, passthrough included.
 *
 * @module
 */
import type { InputItem, ToolDefinition } from "../request/request_model.ts";

/** Keys stripped from items, their content parts and tools. */
export const REJECTED_NESTED_FIELDS: readonly string[] = [
  "prompt_cache_breakpoint",
  "prompt_cache_retention",
  "prompt_cache_options",
];

const REJECTED = new Set(REJECTED_NESTED_FIELDS);

/** Input and tools without the rejected keys, and where each was found (for the debug log). */
export function stripRejectedFields(
  input: readonly InputItem[],
  tools: readonly ToolDefinition[],
): { input: InputItem[]; tools: ToolDefinition[]; stripped: string[] } {
  const stripped: string[] = [];
  const cleanInput = input.map((item, i) => {
    const clean = withoutRejected(item, `input[${i}]`, stripped);
    for (const key of ["content", "output"] as const) {
      const parts = clean[key];
      if (!Array.isArray(parts)) continue;
      clean[key] = parts.map((part, j) =>
        part && typeof part === "object"
          ? withoutRejected(part, `input[${i}].${key}[${j}]`, stripped)
          : part
      );
    }
    return clean as InputItem;
  });
  const cleanTools = tools.map((tool, i) =>
    withoutRejected(tool, `tools[${i}]`, stripped) as ToolDefinition
  );
  return { input: cleanInput, tools: cleanTools, stripped };
}

/** A shallow copy without the rejected keys. */
function withoutRejected(
  value: object,
  where: string,
  stripped: string[],
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...value };
  const found = Object.keys(copy).filter((k) => REJECTED.has(k));
  for (const key of found) {
    delete copy[key];
    stripped.push(`${where}.${key}`);
  }
  return copy;
}
