/**
 * The Codex CLI sends no `instructions`; its first `developer` message is the
 * model's base instructions (docs/backend-protocol.md#instructions). When
 * that text is what goes into
 * `instructions` anyway, the message is dropped so ≈17 KB are not sent twice.
 *
 * @module
 */
import type { InputItem } from "../request/request_model.ts";

/** Whether `item` is a developer message whose text is exactly `text`. */
export function isDeveloperMessageWithText(item: InputItem | undefined, text: string): boolean {
  if (!item || item.type !== "message" || (item as { role?: unknown }).role !== "developer") {
    return false;
  }
  const content = (item as { content?: unknown }).content;
  if (!Array.isArray(content) || content.length === 0) return false;
  const joined = content.map((p) =>
    p && typeof p === "object" && typeof (p as { text?: unknown }).text === "string"
      ? (p as { text: string }).text
      : "\u0000"
  ).join("");
  return text.trim() !== "" && joined.trim() === text.trim();
}

/** `input` without a leading developer message that repeats `instructions`. */
export function dropInstructionsEcho(
  input: readonly InputItem[],
  instructions: string,
): InputItem[] {
  return isDeveloperMessageWithText(input[0], instructions) ? input.slice(1) : [...input];
}
