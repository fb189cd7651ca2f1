/**
 * The usage history is created with its first row or query
 * (src/state/lazy_usage_store.ts), so node:sqlite loads after the first
 * answer; rows keep their order and a store that cannot be made never throws
 * from record().
 */
import { LazyUsageStore } from "../../src/state/lazy_usage_store.ts";
import type { UsageQuery, UsageRecord, UsageStore } from "../../src/state/usage_store.ts";
import { assertEquals, assertRejects } from "../support/assert.ts";

function row(id: string): UsageRecord {
  return {
    time: 1,
    id,
    status: 200,
    latencyMs: 1,
    inputTokens: 1,
    cachedTokens: 0,
    outputTokens: 1,
    reasoningTokens: 0,
  };
}

class ListStore implements UsageStore {
  ids: string[] = [];
  closed = false;
  record(entry: UsageRecord): Promise<void> {
    this.ids.push(entry.id);
    return Promise.resolve();
  }
  summary(_query: UsageQuery) {
    return Promise.resolve([{ requests: this.ids.length } as never]);
  }
  close(): void {
    this.closed = true;
  }
}

Deno.test("LazyUsageStore makes the store once, on the first row, and keeps the rows' order", async () => {
  let made = 0;
  const inner = new ListStore();
  const store = new LazyUsageStore(async () => {
    made++;
    await Promise.resolve();
    return inner;
  });
  store.close();
  assertEquals(made, 0);
  await Promise.all(["a", "b", "c"].map((id) => store.record(row(id))));
  assertEquals([made, inner.ids], [1, ["a", "b", "c"]]);
  assertEquals(await store.summary({ since: 0, until: 2, by: [] }), [{ requests: 3 } as never]);
  store.close();
  await Promise.resolve();
  assertEquals([made, inner.closed], [1, true]);
});

Deno.test("LazyUsageStore: a store that cannot be made drops rows quietly, a query rejects", async () => {
  const store = new LazyUsageStore(() => Promise.reject(new Error("no sqlite")));
  await store.record(row("a"));
  await assertRejects(() => store.summary({ since: 0, until: 1, by: [] }));
});
