/**
 * `codexgate logout`: removes the auth.json codexgate would use for a
 * backend, and nothing else (docs/sign-in.md). Asks first when a terminal
 * is attached; scripts pass `--yes`. The removal happens under the same
 * locks as a refresh, so a refresh in flight cannot write the file back a
 * moment later.
 *
 * @module
 */
import { shortAccount } from "../auth/auth_snapshot.ts";
import { withAuthLock, withAuthWriteLock } from "../auth/auth_write_locks.ts";
import { credentialSourceFor } from "../auth/credential_source_for.ts";
import { readClaims } from "../auth/jwt.ts";
import type { LoadConfigOptions } from "../config/load_config.ts";
import { loadSubcommandConfig } from "./load_subcommand_config.ts";
import { ProxyError } from "../errors.ts";
import type { CliIo } from "./cli_io.ts";
import { parseSubcommandArgs } from "./parse_subcommand_args.ts";

/** Dependencies of {@link runLogout}; tests inject them. */
export interface LogoutOptions {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  platform?: string;
  readTextFile?: LoadConfigOptions["readTextFile"];
  /** Whether a person can answer a question (default: stdin is a terminal). */
  isTerminal?: () => boolean;
  /** Asks a yes/no question (default: the terminal's `[y/N]` prompt). */
  confirm?: (question: string) => boolean;
  /** Bound on waiting for auth.lock (default 30 s). */
  lockTimeoutMs?: number;
}

/**
 * Runs `codexgate logout`; returns the exit code (0 signed out or nothing
 * to remove, 1 refused or failed, 2 usage mistake).
 */
export async function runLogout(args: readonly string[], options: LogoutOptions): Promise<number> {
  const { io } = options;
  const values = parseSubcommandArgs("logout", args, {
    config: { type: "string", short: "c" },
    backend: { type: "string" },
    "auth-path": { type: "string" },
    yes: { type: "boolean", short: "y" },
    help: { type: "boolean", short: "h" },
  }, io);
  if (values === undefined) return 2;
  if (values.help) {
    io.out("Usage: codexgate logout [--yes] [--auth-path <file or dir>] [--config <file>]");
    io.out("                        [--backend <name>]");
    io.out("Removes the auth.json codexgate would use (the one `codexgate auth status` shows)");
    io.out("and no other file. Asks first when run in a terminal; --yes skips the question.");
    return 0;
  }
  const config = loadSubcommandConfig("logout", {
    path: values.config,
    env: options.env,
    readTextFile: options.readTextFile,
  }, io);
  if (config === undefined) return 1;
  const backend = config.backends[values.backend ?? config.default_backend];
  if (!backend) {
    io.err(
      `codexgate logout: --backend: expected one of ${Object.keys(config.backends).join(", ")}, ` +
        `got ${JSON.stringify(values.backend)} (see codexgate logout --help)`,
    );
    return 2;
  }
  const platform = options.platform ?? Deno.build.os;
  const source = () =>
    credentialSourceFor(backend, { env: options.env, platform, authPathFlag: values["auth-path"] });
  const { source: current, candidates } = source();
  const path = await current.findPath();
  if (path === undefined) {
    const tried = candidates.map((c) => `${c.path} (${c.from})`).join(", ");
    io.out(`Not signed in: no auth.json found (tried ${tried || "nothing: HOME is not set"}).`);
    return 0;
  }
  const who = await describeSignIn(current);
  if (!values.yes) {
    if (!(options.isTerminal ?? (() => Deno.stdin.isTerminal()))()) {
      io.err(
        `codexgate logout: not removing ${path} without asking, and there is no terminal to ask in; ` +
          "pass --yes to remove it",
      );
      return 1;
    }
    const ask = options.confirm ?? ((question: string) => confirm(question));
    if (!ask(`Remove ${path}${who}? A Codex CLI that uses this file is signed out too.`)) {
      io.out(`Kept ${path}; nothing was removed.`);
      return 1;
    }
  }
  const locks = { timeoutMs: options.lockTimeoutMs ?? 30_000, gaveUp: "nothing was removed" };
  try {
    await withAuthLock(
      path,
      () =>
        withAuthWriteLock(path, async () => {
          try {
            await Deno.remove(path);
          } catch (err) {
            if (!(err instanceof Deno.errors.NotFound)) throw err;
          }
        }, locks),
      locks,
    );
  } catch (err) {
    const message = err instanceof ProxyError
      ? err.message
      : `cannot remove ${path}: ${(err as Error).message.split("\n")[0]}`;
    io.err(`codexgate logout: ${message}`);
    return 1;
  }
  io.out(`Signed out: removed ${path}.`);
  const next = await source().source.findPath().catch(() => undefined);
  if (next !== undefined) {
    const from = candidates.find((c) => c.path === next)?.from ?? "";
    io.out(
      `codexgate now reads ${next}${from ? ` (${from})` : ""} instead; ` +
        "run `codexgate logout` again to remove that one too.",
    );
  }
  return 0;
}

/** " (dev@example.com, account acct-123…)" for the question, or "" when unreadable. */
async function describeSignIn(
  source: ReturnType<typeof credentialSourceFor>["source"],
): Promise<string> {
  try {
    const snapshot = await source.read();
    const email = readClaims(snapshot.file.tokens.id_token ?? "").email;
    return ` (${email ? `${email}, ` : ""}account ${shortAccount(snapshot.credentials.accountId)})`;
  } catch {
    return "";
  }
}
