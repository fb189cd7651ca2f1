/**
 * The {@link UsageStore} when `usage.history` is off: keeps nothing, and a
 * summary says the history is off.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import type { UsageRow, UsageStore } from "./usage_store.ts";

/** Keeps nothing. */
export class DisabledUsageStore implements UsageStore {
  record(): Promise<void> {
    return Promise.resolve();
  }
  summary(): Promise<UsageRow[]> {
    return Promise.reject(
      new ProxyError(404, "The usage history is off (config usage.history: false).", {
        code: "usage_history_off",
        type: "not_found_error",
      }),
    );
  }
  close(): void {}
}
