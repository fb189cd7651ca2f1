/**
 * Reasoning replay over Chat Completions. The backend keeps nothing between
 * turns (`store: false`), so a model's reasoning survives a tool round trip
 * only if the client sends it back. codexgate hands the backend's opaque
 * `encrypted_content` to the client as the assistant message field
 * `reasoning_encrypted_content` (non-streaming: on `message`; streaming: on
 * the last chunk's `delta`): a string, or an array of strings when the answer
 * had several reasoning items. An assistant message that carries the field
 * back becomes reasoning items placed before that message's text and calls.
 *
 * @module
 */
import type { ReasoningItem } from "../../request/request_model.ts";
import { badRequest } from "../../errors.ts";

/** The field's name on assistant messages and deltas. */
export const REPLAY_FIELD = "reasoning_encrypted_content";

/** The field's value for the encrypted contents of one answer; undefined when there are none. */
export function replayValue(encrypted: readonly string[]): string | string[] | undefined {
  if (encrypted.length === 0) return undefined;
  return encrypted.length === 1 ? encrypted[0] : [...encrypted];
}

/**
 * The reasoning items an assistant message carries back.
 *
 * @throws {ProxyError} 400 when the field is neither a string nor an array of strings.
 */
export function replayItems(value: unknown, where: string): ReasoningItem[] {
  if (value === undefined || value === null || value === "") return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    if (typeof v !== "string" || v === "") {
      throw badRequest(`${where}.${REPLAY_FIELD} must be a string or an array of strings`, {
        param: Array.isArray(value) ? `${where}.${REPLAY_FIELD}[${i}]` : `${where}.${REPLAY_FIELD}`,
      });
    }
    return { type: "reasoning", encrypted_content: v, summary: [] };
  });
}
