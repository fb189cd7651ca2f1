/**
 * A stable id per conversation, for the `session-id`/`thread-id` headers and
 * `prompt_cache_key` when the client sends none
 * (docs/backend-protocol.md#conversation-id).
 *
 * @module
 */
import { sha256Hex } from "../core/sha256.ts";
import type { CanonicalRequest, MessageItem } from "../request/request_model.ts";

/** A stable id for a conversation: hash of system prompt + first user message. */
export function deriveConversationId(system: string, request: CanonicalRequest): string {
  const firstUser = request.input.find((i) =>
    i.type === "message" && (i as MessageItem).role === "user"
  ) as
    | MessageItem
    | undefined;
  const hash = sha256Hex(`${system}\u0000${JSON.stringify(firstUser?.content ?? [])}`);
  // Shaped like a UUID, as the backend's own clients send.
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${
    hash.slice(20, 32)
  }`;
}

/**
 * The conversation a request belongs to, known before translation (stage 1
 * uses it to keep a conversation on its account, docs/accounts.md): the
 * client's `prompt_cache_key`, else the id derived from its system prompt and
 * first user message, which is the id translate sends when it places the
 * system prompt itself.
 */
export function conversationKey(request: CanonicalRequest): string {
  if (request.prompt_cache_key) return request.prompt_cache_key;
  const system = [...(request.instructions ? [request.instructions] : []), ...request.system]
    .filter((s) => s.trim() !== "")
    .join("\n\n");
  return deriveConversationId(system, request);
}
