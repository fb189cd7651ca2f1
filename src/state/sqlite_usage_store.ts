/**
 * The embedded {@link UsageStore}: a SQLite file (Deno's `node:sqlite`, no
 * extra permission beyond read and write). A locked, corrupt or unwritable
 * file never stops serving: the failure is logged once, rows are dropped
 * while it lasts, and the store tries again after `retryMs`; a file that is
 * not a database is moved aside and a new one started
 * (docs/limits-and-usage.md#when-the-history-cannot-be-written).
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { dirnameOf as dirname } from "../core/path.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { startTimer, type Timer } from "../timers.ts";
import type { UsageQuery, UsageRecord, UsageRow, UsageStore } from "./usage_store.ts";

/** Options of {@link SqliteUsageStore}. */
export interface SqliteUsageStoreOptions {
  path: string;
  /** Rows older than this are deleted (checked at open and hourly). */
  retentionDays: number;
  logger: Logger;
  /** Epoch milliseconds. */
  now?: () => number;
  /** After a failure, how long to wait before trying the file again (default 30 s). */
  retryMs?: number;
  /** How long a finished request's row may wait to be written with others (default 1 s). */
  flushMs?: number;
}

/** Rows written at once when this many wait, before `flushMs` passed. */
const MAX_BATCH = 500;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  time INTEGER NOT NULL,
  id TEXT NOT NULL,
  model TEXT,
  dialect TEXT,
  backend TEXT,
  account TEXT,
  client TEXT,
  status INTEGER NOT NULL,
  error_code TEXT,
  latency_ms INTEGER NOT NULL,
  ttfb_ms INTEGER,
  input_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_time ON requests (time);
`;

const COLUMN: Record<string, string> = {
  day: "strftime('%Y-%m-%d', time / 1000, 'unixepoch')",
  model: "COALESCE(model, '')",
  account: "COALESCE(account, '')",
  dialect: "COALESCE(dialect, '')",
  client: "COALESCE(client, '')",
};

const HOUR = 3_600_000;

/** Usage history in a SQLite file. */
export class SqliteUsageStore implements UsageStore {
  readonly #o: Required<Omit<SqliteUsageStoreOptions, "logger">> & { logger: Logger };
  #db: DatabaseSync | undefined;
  #failedAt: number | undefined;
  #prunedAt = 0;
  #failing = false;
  #insert: { db: DatabaseSync; statement: StatementSync } | undefined;
  #pending: UsageRecord[] = [];
  #batch: { written: Promise<void>; done: () => void; timer: Timer } | undefined;
  /** Rows dropped while the file could not be written. */
  dropped = 0;

  constructor(options: SqliteUsageStoreOptions) {
    this.#o = { now: Date.now, retryMs: 30_000, flushMs: 1_000, ...options };
  }

  /**
   * Queues the row; rows are written together, in one transaction, at most
   * `flushMs` later (or at once when `MAX_BATCH` wait). One commit per row
   * cost ~100–250 µs of the event loop on every request; a batch costs a few
   * µs a row. The promise settles when the row's batch was written or dropped.
   */
  record(entry: UsageRecord): Promise<void> {
    this.#pending.push(entry);
    if (this.#pending.length === 1) addEventListener("unload", this.#flushNow);
    if (this.#pending.length >= MAX_BATCH) {
      this.#flush();
      return Promise.resolve();
    }
    if (!this.#batch) {
      let done!: () => void;
      const written = new Promise<void>((resolve) => (done = resolve));
      this.#batch = { written, done, timer: startTimer(this.#o.flushMs, this.#flushNow) };
    }
    return this.#batch.written;
  }

  /** Writes the queued rows now (also at process exit, so a clean shutdown loses none). */
  readonly #flushNow = () => this.#flush();

  #flush(): void {
    const batch = this.#batch;
    this.#batch = undefined;
    batch?.timer.cancel();
    const rows = this.#pending;
    this.#pending = [];
    removeEventListener("unload", this.#flushNow);
    if (rows.length > 0) this.#write(rows);
    batch?.done();
  }

  #write(rows: UsageRecord[]): void {
    const db = this.#usable();
    if (!db) {
      this.dropped += rows.length;
      return;
    }
    try {
      const insert = this.#insertInto(db);
      db.exec("BEGIN");
      try {
        for (const entry of rows) {
          insert.run(
            entry.time,
            entry.id,
            entry.model ?? null,
            entry.dialect ?? null,
            entry.backend ?? null,
            entry.account ?? null,
            entry.client ?? null,
            entry.status,
            entry.errorCode ?? null,
            Math.round(entry.latencyMs),
            entry.ttfbMs === undefined ? null : Math.round(entry.ttfbMs),
            entry.inputTokens,
            entry.cachedTokens,
            entry.outputTokens,
            entry.reasoningTokens,
          );
        }
        db.exec("COMMIT");
      } catch (err) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw err;
      }
      this.#recovered();
      if (this.#o.now() - this.#prunedAt > HOUR) this.#prune(db);
    } catch (err) {
      this.dropped += rows.length;
      this.#fail(err);
    }
  }

  /** The insert statement of `db`, prepared once per opened file, not once per row. */
  #insertInto(db: DatabaseSync): StatementSync {
    if (this.#insert?.db === db) return this.#insert.statement;
    const statement = db.prepare(
      `INSERT INTO requests (time, id, model, dialect, backend, account, client, status,
        error_code, latency_ms, ttfb_ms, input_tokens, cached_tokens, output_tokens,
        reasoning_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insert = { db, statement };
    return statement;
  }

  summary(query: UsageQuery): Promise<UsageRow[]> {
    this.#flush();
    const db = this.#usable(true);
    if (!db) return Promise.reject(unavailable());
    const cols = query.by.map((g) => `${COLUMN[g]} AS ${g}`);
    const sql = `SELECT ${[...cols, ""].join(", ")}
      COUNT(*) AS requests,
      SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
      SUM(input_tokens) AS input_tokens,
      SUM(cached_tokens) AS cached_tokens,
      SUM(output_tokens) AS output_tokens,
      SUM(reasoning_tokens) AS reasoning_tokens
      FROM requests WHERE time >= ? AND time < ?
      ${query.by.length ? `GROUP BY ${query.by.join(", ")} ORDER BY ${query.by.join(", ")}` : ""}`;
    try {
      const rows = db.prepare(sql).all(query.since, query.until) as Record<string, unknown>[];
      this.#recovered();
      return Promise.resolve(
        rows.filter((r) => Number(r.requests) > 0).map((r) => toRow(r, query)),
      );
    } catch (err) {
      this.#fail(err);
      return Promise.reject(unavailable());
    }
  }

  close(): void {
    this.#flush();
    try {
      this.#db?.close();
    } catch { /* already closed */ }
    this.#db = undefined;
    this.#insert = undefined;
  }

  /** The open database, opening it when the last failure is old enough; undefined while failing. */
  #usable(now = false): DatabaseSync | undefined {
    if (this.#db) return this.#db;
    if (!now && this.#failedAt !== undefined && this.#o.now() - this.#failedAt < this.#o.retryMs) {
      return undefined;
    }
    try {
      this.#db = this.#open();
      return this.#db;
    } catch (err) {
      let failure = err;
      if (isCorrupt(err) && this.#moveAside()) {
        try {
          this.#db = this.#open();
          return this.#db;
        } catch (again) {
          failure = again;
        }
      }
      this.#fail(failure);
      return undefined;
    }
  }

  #open(): DatabaseSync {
    Deno.mkdirSync(dirname(this.#o.path), { recursive: true });
    const db = new DatabaseSync(this.#o.path);
    try {
      // Never block the event loop waiting for another writer: fail fast and drop the row.
      db.exec("PRAGMA busy_timeout = 50");
      db.exec("PRAGMA journal_mode = WAL");
      db.exec(SCHEMA);
      this.#prune(db);
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  #prune(db: DatabaseSync): void {
    this.#prunedAt = this.#o.now();
    const cutoff = this.#o.now() - this.#o.retentionDays * 24 * HOUR;
    db.prepare("DELETE FROM requests WHERE time < ?").run(cutoff);
  }

  /** Moves a file that is not a database aside; true when done. */
  #moveAside(): boolean {
    const aside = `${this.#o.path}.corrupt-${this.#o.now()}`;
    try {
      Deno.renameSync(this.#o.path, aside);
      for (const suffix of ["-wal", "-shm"]) {
        try {
          Deno.removeSync(this.#o.path + suffix);
        } catch { /* absent */ }
      }
      this.#o.logger.warn("the usage history was not a database; moved it aside, starting anew", {
        path: this.#o.path,
        moved_to: aside,
      });
      return true;
    } catch {
      return false;
    }
  }

  #fail(err: unknown): void {
    this.close();
    this.#failedAt = this.#o.now();
    if (this.#failing) return;
    this.#failing = true;
    this.#o.logger.warn("cannot write the usage history; serving goes on without it", {
      path: this.#o.path,
      error: (err as Error)?.message ?? String(err),
    });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#failedAt = undefined;
    this.#o.logger.info("the usage history is writable again", {
      path: this.#o.path,
      dropped: this.dropped,
    });
  }
}

function isCorrupt(err: unknown): boolean {
  return /not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(
    String((err as Error)?.message ?? err) + String((err as { code?: string })?.code ?? ""),
  );
}

function unavailable(): ProxyError {
  return new ProxyError(503, "The usage history cannot be read right now (see the log).", {
    code: "usage_history_unavailable",
    type: "server_error",
  });
}

function toRow(r: Record<string, unknown>, query: UsageQuery): UsageRow {
  const n = (v: unknown) => Number(v ?? 0);
  const row: UsageRow = {
    requests: n(r.requests),
    errors: n(r.errors),
    input_tokens: n(r.input_tokens),
    cached_tokens: n(r.cached_tokens),
    output_tokens: n(r.output_tokens),
    reasoning_tokens: n(r.reasoning_tokens),
    cache_hit_ratio: 0,
  };
  row.cache_hit_ratio = row.input_tokens
    ? Math.round(row.cached_tokens / row.input_tokens * 10000) / 10000
    : 0;
  for (const g of query.by) row[g] = String(r[g] ?? "");
  return row;
}
