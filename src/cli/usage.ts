/**
 * `codexgate usage [--since 7d] [--by day|model|account|dialect|client]`:
 * the usage history summed, as a table (or `--json`, the same as
 * `GET /v1/usage`). Reads the SQLite file in the data directory; a running
 * codexgate can keep writing meanwhile (docs/limits-and-usage.md#reading-codexgate-usage).
 *
 * @module
 */
import type { LoadConfigOptions } from "../config/load_config.ts";
import { loadSubcommandConfig } from "./load_subcommand_config.ts";
import { ProxyError } from "../errors.ts";
import { createLogger } from "../log.ts";
import { dataDir, usageDbPath } from "../state/data_dir.ts";
import { SqliteUsageStore } from "../state/sqlite_usage_store.ts";
import { usageQuery } from "../usage/usage_query.ts";
import { usageTable } from "../usage/usage_table.ts";
import type { CliIo } from "./cli_io.ts";
import { parseSubcommandArgs } from "./parse_subcommand_args.ts";

/** Dependencies of {@link runUsage}; tests inject them. */
export interface UsageOptions {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  platform?: string;
  readTextFile?: LoadConfigOptions["readTextFile"];
  /** Epoch milliseconds. */
  now?: () => number;
}

const HELP = [
  "Usage: codexgate usage [--since <7d|24h|30m|2w|YYYY-MM-DD>] [--by <groups>] [--json]",
  "                       [--data-dir <dir>] [--config <file>]",
  "Sums the usage history (every finished completion) since a time (default 7d),",
  "grouped by a comma list of day, model, account, dialect, client (default day):",
  "requests, errors, input / cached / output / reasoning tokens and the cache hit ratio.",
  "--json prints what GET /v1/usage answers. The history is usage.sqlite in the data",
  "directory (config data_dir, or the platform default; --data-dir overrides).",
];

/** Runs `codexgate usage`; returns the exit code (0 shown, 1 failed, 2 usage mistake). */
export async function runUsage(args: readonly string[], options: UsageOptions): Promise<number> {
  const { io } = options;
  const values = parseSubcommandArgs("usage", args, {
    since: { type: "string" },
    by: { type: "string" },
    json: { type: "boolean" },
    "data-dir": { type: "string" },
    config: { type: "string", short: "c" },
    help: { type: "boolean", short: "h" },
  }, io);
  if (values === undefined) return 2;
  if (values.help) {
    for (const line of HELP) io.out(line);
    return 0;
  }
  const now = (options.now ?? Date.now)();
  let query;
  try {
    query = usageQuery({ since: values.since, by: values.by }, now);
  } catch (err) {
    io.err(`codexgate usage: ${(err as Error).message} (see codexgate usage --help)`);
    return 2;
  }
  const config = loadSubcommandConfig("usage", {
    path: values.config,
    env: options.env,
    readTextFile: options.readTextFile,
  }, io);
  if (config === undefined) return 1;
  const dir = values["data-dir"] ??
    dataDir(config, options.env, options.platform ?? Deno.build.os);
  const path = usageDbPath(dir);
  try {
    await Deno.stat(path);
  } catch {
    io.err(
      `codexgate usage: no usage history at ${path} yet (it starts with the first request` +
        `${config.usage.history ? "" : "; usage.history is off in the config"})`,
    );
    return 1;
  }
  const store = new SqliteUsageStore({
    path,
    retentionDays: config.usage.retention_days,
    logger: createLogger("error", (line) => io.err(line)),
    now: () => now,
  });
  try {
    const rows = await store.summary(query);
    if (values.json) {
      io.out(JSON.stringify(
        {
          object: "usage",
          since: new Date(query.since).toISOString(),
          until: new Date(now).toISOString(),
          by: query.by,
          rows,
        },
        null,
        2,
      ));
    } else {
      io.out(`Usage since ${new Date(query.since).toISOString()} (${path})`);
      io.out(usageTable(rows, query.by).trimEnd());
    }
    return 0;
  } catch (err) {
    io.err(`codexgate usage: ${err instanceof ProxyError ? err.message : String(err)}`);
    return 1;
  } finally {
    store.close();
  }
}
