/**
 * Compactions codexgate made for `auto_compact`, keyed by the conversation
 * prefix they stand in for (docs/websocket-and-compaction.md#auto-compact),
 * so the same long conversation sent again next turn reuses its compaction
 * instead of compacting again. Asynchronous, so that a store shared by
 * several replicas can replace the embedded one (memory_compaction_cache.ts).
 *
 * @module
 */
import type { InputItem } from "../request/request_model.ts";

/** Prefix key → the items (one `compaction` item) that replace that prefix. */
export interface CompactionCache {
  /** The replacement for the prefix with this key, or undefined. */
  get(key: string): Promise<readonly InputItem[] | undefined>;
  /** Remembers the replacement for a prefix. */
  set(key: string, items: readonly InputItem[]): Promise<void>;
}
