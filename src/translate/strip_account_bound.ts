/**
 * What a conversation cannot take to another account (docs/accounts.md):
 * encrypted reasoning and compaction summaries only decrypt on the account
 * that made them, and stored item references name items of that account.
 * When a conversation has to move, they are dropped so that the new account
 * answers instead of refusing with `invalid_encrypted_content`.
 *
 * @module
 */
import type { InputItem } from "../request/request_model.ts";

/** Item types bound to the account that produced them. */
const ACCOUNT_BOUND = new Set(["reasoning", "item_reference", "compaction"]);

/** The input without account-bound items, and how many were dropped. */
export function stripAccountBound(input: readonly InputItem[]): {
  input: InputItem[];
  dropped: number;
} {
  const kept = input.filter((item) =>
    !ACCOUNT_BOUND.has(item.type) && !("encrypted_content" in item && item.encrypted_content)
  );
  return { input: kept, dropped: input.length - kept.length };
}
