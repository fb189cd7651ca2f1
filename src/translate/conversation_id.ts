/**
 * A stable id per conversation, for the `session-id`/`thread-id` headers and
 * `prompt_cache_key` when the client sends none
 * (docs/backend-protocol.md#conversation-id).
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { CanonicalRequest, MessageItem } from "../request/request_model.ts";

/** A stable id for a conversation: hash of system prompt + first user message. */
export function deriveConversationId(system: string, request: CanonicalRequest): string {
  const firstUser = request.input.find((i) =>
    i.type === "message" && (i as MessageItem).role === "user"
  ) as
    | MessageItem
    | undefined;
  const hash = createHash("sha256")
    .update(system)
    .update("\u0000")
    .update(JSON.stringify(firstUser?.content ?? []))
    .digest("hex");
  // Shaped like a UUID, as the backend's own clients send.
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${
    hash.slice(20, 32)
  }`;
}
