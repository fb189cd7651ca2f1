/**
 * The SQLite usage history: rows summed by day, model, account, dialect and
 * client with the cache hit ratio; retention; rows written in batches (a
 * query, closing, and the batch window each write what waits); and a locked,
 * corrupt or unwritable file never throws into serving: logged once, rows
 * dropped meanwhile, recovered when possible.
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { SqliteUsageStore } from "../../src/state/sqlite_usage_store.ts";
import { createLogger } from "../../src/log.ts";
import type { UsageRecord } from "../../src/state/usage_store.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-20T12:00:00Z");

function row(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    time: T0,
    id: crypto.randomUUID(),
    model: "gpt-5.4",
    dialect: "chat",
    backend: "openai_codex",
    account: "openai_codex",
    status: 200,
    latencyMs: 100,
    inputTokens: 100,
    cachedTokens: 25,
    outputTokens: 10,
    reasoningTokens: 2,
    ...over,
  };
}

/** A store that writes each awaited row before the next step (no batching window). */
function store(path: string, clock: { now: number }, logs: string[] = [], retryMs = 30_000) {
  return new SqliteUsageStore({
    path,
    retentionDays: 30,
    logger: createLogger("info", (l) => logs.push(l)),
    now: () => clock.now,
    retryMs,
    flushMs: 0,
  });
}

/** How many rows another connection sees in the file (what `codexgate usage` would read). */
function rowsInFile(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare("SELECT COUNT(*) AS n FROM requests").get() as { n: number }).n);
  } finally {
    db.close();
  }
}

Deno.test("usage history: summed by day and model, with errors and cache hit ratio", async () => {
  const dir = await Deno.makeTempDir();
  const clock = { now: T0 + DAY };
  const s = store(join(dir, "sub", "usage.sqlite"), clock);
  await s.record(row());
  await s.record(row({ cachedTokens: 75 }));
  await s.record(
    row({ model: "gpt-5.5", client: "alice", status: 429, inputTokens: 0, cachedTokens: 0 }),
  );
  await s.record(row({ time: T0 + DAY / 2 + 1, dialect: "anthropic" }));
  const byDayModel = await s.summary({
    since: T0 - DAY,
    until: T0 + 2 * DAY,
    by: ["day", "model"],
  });
  assertEquals(byDayModel, [
    {
      day: "2026-11-20",
      model: "gpt-5.4",
      requests: 2,
      errors: 0,
      input_tokens: 200,
      cached_tokens: 100,
      output_tokens: 20,
      reasoning_tokens: 4,
      cache_hit_ratio: 0.5,
    },
    {
      day: "2026-11-20",
      model: "gpt-5.5",
      requests: 1,
      errors: 1,
      input_tokens: 0,
      cached_tokens: 0,
      output_tokens: 10,
      reasoning_tokens: 2,
      cache_hit_ratio: 0,
    },
    {
      day: "2026-11-21",
      model: "gpt-5.4",
      requests: 1,
      errors: 0,
      input_tokens: 100,
      cached_tokens: 25,
      output_tokens: 10,
      reasoning_tokens: 2,
      cache_hit_ratio: 0.25,
    },
  ]);
  const byClient = await s.summary({ since: 0, until: T0 + 2 * DAY, by: ["client", "dialect"] });
  assertEquals(byClient.map((r) => [r.client, r.dialect, r.requests]), [
    ["", "anthropic", 1],
    ["", "chat", 2],
    ["alice", "chat", 1],
  ]);
  const window = await s.summary({ since: T0 + 1, until: T0 + 2 * DAY, by: ["day"] });
  assertEquals(window.map((r) => r.requests), [1]);
  s.close();
});

Deno.test("usage history: rows older than retention_days are deleted", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "usage.sqlite");
  const clock = { now: T0 };
  const s = store(path, clock);
  await s.record(row({ time: T0 - 40 * DAY }));
  await s.record(row({ time: T0 - DAY }));
  s.close();
  const again = store(path, clock); // opening prunes
  const rows = await again.summary({ since: 0, until: T0 + 1, by: ["day"] });
  assertEquals(rows.map((r) => r.day), [new Date(T0 - DAY).toISOString().slice(0, 10)]);
  again.close();
});

Deno.test("usage history: a locked file drops rows, logs once, and recovers after the lock", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "usage.sqlite");
  const clock = { now: T0 };
  const logs: string[] = [];
  const s = store(path, clock, logs, 1000);
  await s.record(row());
  // Another program holds the write lock.
  const other = new DatabaseSync(path);
  other.exec("PRAGMA busy_timeout = 0");
  other.exec("BEGIN EXCLUSIVE");
  other.exec(
    "INSERT INTO requests (time, id, status, latency_ms, input_tokens, cached_tokens, output_tokens, reasoning_tokens) VALUES (0, 'x', 200, 1, 0, 0, 0, 0)",
  );
  await s.record(row());
  await s.record(row());
  assertEquals(logs.filter((l) => l.includes("cannot write the usage history")).length, 1);
  assert(s.dropped >= 2);
  other.exec("ROLLBACK");
  other.close();
  clock.now += 1001;
  await s.record(row());
  assert(logs.some((l) => l.includes("writable again")));
  const [total] = await s.summary({ since: 0, until: T0 + DAY, by: ["day"] });
  assertEquals(total.requests, 2);
  s.close();
});

Deno.test("usage history: a corrupt file is moved aside and a new history starts", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "usage.sqlite");
  await Deno.writeTextFile(path, "this is not a database at all, just text ".repeat(200));
  const logs: string[] = [];
  const s = store(path, { now: T0 }, logs);
  await s.record(row());
  const [r] = await s.summary({ since: 0, until: T0 + 1, by: ["day"] });
  assertEquals(r.requests, 1);
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  assert(names.some((n) => n.startsWith("usage.sqlite.corrupt-")), names.join(","));
  assert(logs.some((l) => l.includes("moved it aside")));
  s.close();
});

Deno.test("usage history: an unwritable place never throws; recovers once it is writable", async () => {
  const dir = await Deno.makeTempDir();
  // A file where the directory should be: nothing can be created under it (even as root).
  const blocker = join(dir, "data");
  await Deno.writeTextFile(blocker, "");
  const clock = { now: T0 };
  const logs: string[] = [];
  const s = store(join(blocker, "usage.sqlite"), clock, logs, 500);
  await s.record(row());
  await s.record(row());
  assertEquals(logs.filter((l) => l.includes("cannot write the usage history")).length, 1);
  let refused = false;
  await s.summary({ since: 0, until: T0 + 1, by: ["day"] }).catch((err) => {
    refused = err.status === 503 && err.code === "usage_history_unavailable";
  });
  assert(refused, "summary answers 503 while the history cannot be read");
  await Deno.remove(blocker);
  clock.now += 501;
  await s.record(row());
  const [r] = await s.summary({ since: 0, until: T0 + 1, by: ["day"] });
  assertEquals(r.requests, 1);
  s.close();
});

Deno.test("usage history: rows wait for the batch window, and a query or close writes them first", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "usage.sqlite");
  const clock = { now: T0 };
  const s = new SqliteUsageStore({
    path,
    retentionDays: 30,
    logger: createLogger("info", () => {}),
    now: () => clock.now,
    flushMs: 60_000,
  });
  // Opening creates the file (a query on an empty history).
  assertEquals(await s.summary({ since: 0, until: T0 + 1, by: ["day"] }), []);
  const written = [s.record(row()), s.record(row()), s.record(row())];
  assertEquals(rowsInFile(path), 0, "still waiting for the batch window");
  const [seen] = await s.summary({ since: 0, until: T0 + 1, by: ["day"] });
  assertEquals(seen.requests, 3, "a query writes what waits first");
  assertEquals(rowsInFile(path), 3);
  await Promise.all(written);
  s.record(row());
  s.close();
  assertEquals(rowsInFile(path), 4, "close writes what waits");
});

Deno.test("usage history: a batch is written when its window ends", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "usage.sqlite");
  const s = new SqliteUsageStore({
    path,
    retentionDays: 30,
    logger: createLogger("info", () => {}),
    now: () => T0,
    flushMs: 20,
  });
  await Promise.all([s.record(row()), s.record(row({ model: "gpt-5.5" }))]);
  assertEquals(rowsInFile(path), 2);
  s.close();
});
