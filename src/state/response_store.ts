/**
 * Where finished Responses are kept so that `previous_response_id`,
 * `item_reference` and `GET /v1/responses/{id}` work although the backend
 * stores nothing (docs/backend-protocol.md). Asynchronous, so that a store
 * shared by several replicas can stand in for the embedded one
 * (memory_response_store.ts) without touching the code that uses it.
 *
 * @module
 */
import type { InputItem } from "../request/request_model.ts";

/** One stored response. */
export interface StoredResponse {
  id: string;
  /** The full conversation input of that request (after its own expansion). */
  input: readonly InputItem[];
  /** The items the model produced. */
  output: readonly InputItem[];
  /** The `response` object as the client received it. */
  response: Record<string, unknown>;
}

/** Response id → stored response, bounded and expiring as the implementation decides. */
export interface ResponseStore {
  /** Stores a response, replacing one with the same id. */
  save(value: StoredResponse): Promise<void>;
  /** The stored response, or undefined when unknown or expired. */
  get(id: string): Promise<StoredResponse | undefined>;
  /** Removes a response; true when it was there. */
  delete(id: string): Promise<boolean>;
  /** The newest stored item (input or output) with this item id, for `item_reference`. */
  findItem(itemId: string): Promise<InputItem | undefined>;
}
