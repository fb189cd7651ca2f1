/**
 * The backend's `x-codex-turn-state` per conversation
 * (docs/backend-protocol.md#turn-state): an answer may carry it, and the
 * conversation's next request sends it back so the backend routes the turn
 * where its cache is. Asynchronous, like the other stores, so a store shared
 * by several replicas can replace the embedded one (memory_turn_state_store.ts).
 *
 * @module
 */

/** The latest turn state by conversation id. */
export interface TurnStateStore {
  /** The conversation's latest turn state, if an answer gave one. */
  get(conversationId: string): Promise<string | undefined>;
  /** Keeps `value` as the conversation's latest turn state. */
  set(conversationId: string, value: string): Promise<void>;
}

/** The header that carries it, both ways. */
export const TURN_STATE_HEADER = "x-codex-turn-state";
