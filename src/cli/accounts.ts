/**
 * `codexgate accounts`: each account of each backend with its email, plan,
 * state (ready, cooling until …, needs sign-in, disabled) and the latest
 * known 5-hour and weekly usage with their reset times (docs/accounts.md).
 * Reads the sign-in files and the account state the proxy keeps; never
 * refreshes, never prints a secret.
 *
 * @module
 */
import type { AccountStatus } from "../auth/account_outcome.ts";
import { createCredentialService } from "../auth/credential_service.ts";
import type { LoadConfigOptions } from "../config/load_config.ts";
import { loadSubcommandConfig } from "./load_subcommand_config.ts";
import { accountStatePath, knownDataDir } from "../state/data_dir.ts";
import { FileAccountStateStore } from "../state/file_account_state_store.ts";
import { MemoryAccountStateStore } from "../auth/memory_account_state.ts";
import type { CliIo } from "./cli_io.ts";
import { parseSubcommandArgs } from "./parse_subcommand_args.ts";

/** Dependencies of {@link runAccounts}. */
export interface AccountsOptions {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  platform?: string;
  /** Epoch milliseconds. */
  now?: () => number;
  readTextFile?: LoadConfigOptions["readTextFile"];
}

const USAGE = [
  "Usage: codexgate accounts [--config <file>] [--backend <name>] [--json]",
  "Lists each account of each backend: name, email, plan, state (ready, cooling until …,",
  "needs sign-in, disabled), 5-hour and weekly used percent with their reset times (as the",
  "proxy last saw them). Add accounts under backends.<name>.accounts and sign each in with",
  "`codexgate login --account <name>`. --json prints the same as JSON.",
];

/** Runs `codexgate accounts`; 0 listed, 1 config problem, 2 usage mistake. */
export async function runAccounts(
  args: readonly string[],
  options: AccountsOptions,
): Promise<number> {
  const { io } = options;
  const values = parseSubcommandArgs("accounts", [...args], {
    config: { type: "string", short: "c" },
    backend: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, io);
  if (values === undefined) return 2;
  if (values.help) {
    for (const line of USAGE) io.out(line);
    return 0;
  }
  const config = loadSubcommandConfig("accounts", {
    path: values.config,
    env: options.env,
    readTextFile: options.readTextFile,
  }, io);
  if (config === undefined) return 1;
  const backends = Object.values(config.backends).filter((b) =>
    values.backend === undefined || b.name === values.backend
  );
  if (backends.length === 0) {
    io.err(
      `codexgate accounts: --backend: expected one of ${
        Object.keys(config.backends).join(", ")
      }, got ${JSON.stringify(values.backend)}`,
    );
    return 2;
  }
  const platform = options.platform ?? Deno.build.os;
  const now = options.now ?? Date.now;
  const dataDir = knownDataDir(config, options.env, platform);
  const accountState = dataDir
    ? new FileAccountStateStore({ path: accountStatePath(dataDir), now })
    : new MemoryAccountStateStore({ now });
  const problems: string[] = [];
  const service = createCredentialService(config, {
    env: options.env,
    platform,
    refresh: false,
    now,
    accountState,
    logger: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => problems.push(message),
      error: (message: string) => problems.push(message),
      enabled: () => true,
    },
  });
  const listed: Record<string, AccountStatus[]> = {};
  const single = new Set<string>();
  for (const backend of backends) {
    const pooled = await service.accounts?.(backend.name);
    if (pooled) {
      listed[backend.name] = pooled;
      continue;
    }
    // A single sign-in: one row, from what `auth status` reads.
    const info = await service.inspect(backend.name);
    single.add(backend.name);
    listed[backend.name] = [
      info.ok
        ? {
          name: "default",
          path: info.path,
          email: info.email,
          plan: info.planType,
          account: info.account,
          state: "ready",
        }
        : { name: "default", path: info.path ?? "", state: "needs_sign_in", reason: info.message },
    ];
  }
  if (values.json) {
    io.out(JSON.stringify({ backends: listed, problems }, null, 2));
    return 0;
  }
  for (const problem of problems) io.err(`codexgate accounts: ${problem}`);
  for (const [i, [name, accounts]] of Object.entries(listed).entries()) {
    if (i > 0) io.out("");
    io.out(`backend ${name}`);
    for (const line of formatAccounts(accounts, now(), { pooled: !single.has(name) })) io.out(line);
  }
  return 0;
}

/** The table `codexgate accounts` prints for one backend. */
export function formatAccounts(
  accounts: readonly AccountStatus[],
  nowMs: number,
  options: { pooled: boolean } = { pooled: true },
): string[] {
  const rows = accounts.map((a) => [
    a.name,
    a.email ?? "-",
    a.plan ?? a.limits?.plan ?? "-",
    stateText(a, nowMs, options.pooled),
    usage(a.limits?.primaryUsedPercent, a.limits?.primaryResetsAt),
    usage(a.limits?.secondaryUsedPercent, a.limits?.secondaryResetsAt),
  ]);
  const header = ["NAME", "EMAIL", "PLAN", "STATE", "5-HOUR USED", "WEEKLY USED"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((v, c) => v.padEnd(widths[c])).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

function stateText(a: AccountStatus, nowMs: number, pooled: boolean): string {
  switch (a.state) {
    case "cooling":
      return a.until !== undefined && a.until > nowMs
        ? `cooling until ${new Date(a.until).toISOString()}`
        : "cooling";
    case "needs_sign_in":
      return pooled
        ? `needs sign-in (codexgate login --account ${a.name})`
        : "needs sign-in (codexgate login)";
    default:
      return a.state;
  }
}

function usage(percent: number | undefined, resetsAt: string | undefined): string {
  if (percent === undefined) return "-";
  return resetsAt ? `${percent}% (resets ${resetsAt})` : `${percent}%`;
}
