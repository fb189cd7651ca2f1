/**
 * `codexgate auth status`: where the sign-in was found, whose it is, until
 * when it is valid. Never prints a token. Exits 1 when a backend has no
 * usable sign-in, 2 on a usage mistake.
 *
 * @module
 */
import { parseSubcommandArgs } from "./parse_subcommand_args.ts";
import { createCredentialService } from "../auth/credential_service.ts";
import type { AuthInspection } from "../auth/inspect_auth.ts";
import { loadConfig } from "../config/load_config.ts";
import { ConfigError } from "../errors.ts";

/** Where `auth status` writes, and what it runs on. */
export interface AuthStatusIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** `Deno.build.os` unless a test says otherwise. */
  platform?: string;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Reads a text file or returns undefined (config loading). */
  readTextFile?: (path: string) => string | undefined;
}

/**
 * Runs `codexgate auth status [--config <file>] [--backend <name>]`.
 *
 * @example
 * ```ts
 * const code = await runAuthStatus([], Deno.env.toObject(), { out: console.log, err: console.error });
 * ```
 */
export async function runAuthStatus(
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: AuthStatusIo,
): Promise<number> {
  const values = parseSubcommandArgs("auth status", args, {
    config: { type: "string", short: "c" },
    backend: { type: "string" },
    "auth-path": { type: "string" },
    help: { type: "boolean", short: "h" },
  }, io);
  if (values === undefined) return 2;
  if (values.help) {
    io.out(
      "Usage: codexgate auth status [--config <file>] [--backend <name>] [--auth-path <file>]",
    );
    io.out("Shows which auth.json is used, the email, account (shortened), plan, token expiry");
    io.out("and last refresh for each backend; never a secret. Exits 1 when a sign-in is");
    io.out("unusable. --auth-path looks at that file (or directory) only.");
    return 0;
  }
  let config;
  try {
    config = loadConfig({ path: values.config, env, readTextFile: io.readTextFile });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`codexgate: ${err.message}`);
      return 1;
    }
    throw err;
  }
  const backends = Object.values(config.backends).filter((b) =>
    values.backend === undefined || b.name === values.backend
  );
  if (backends.length === 0) {
    io.err(
      `codexgate auth status: --backend: expected one of ${
        Object.keys(config.backends).join(", ")
      }, got ${JSON.stringify(values.backend)}`,
    );
    return 2;
  }
  const platform = io.platform ?? Deno.build.os;
  const now = io.now ?? Date.now;
  let usable = true;
  const credentials = createCredentialService(config, {
    env,
    platform,
    refresh: false,
    authPathFlag: values["auth-path"],
  });
  for (const [i, backend] of backends.entries()) {
    if (i > 0) io.out("");
    const info = await credentials.inspect(backend.name);
    for (const line of formatInspection(info, now())) io.out(line);
    usable &&= info.ok;
  }
  return usable ? 0 : 1;
}

/** The lines `auth status` prints for one backend. */
export function formatInspection(info: AuthInspection, nowMs: number): string[] {
  const row = (label: string, value: string) => `${`${label}:`.padEnd(14)}${value}`;
  if (!info.ok) {
    return [
      row("backend", info.backend),
      ...(info.path ? [row("auth.json", info.path)] : []),
      row("status", `NOT USABLE: ${info.message}`),
    ];
  }
  const lines = [
    row("backend", info.backend),
    row("auth.json", `${info.path} (from ${info.from})`),
  ];
  if (info.mode !== undefined) {
    const mode = info.mode.toString(8).padStart(4, "0");
    lines.push(row("file mode", (info.mode & 0o077) === 0 ? mode : `${mode} (readable by others)`));
  }
  lines.push(row("sign-in", info.authMode === "chatgpt" ? "ChatGPT" : info.authMode));
  lines.push(row("account", info.account + (info.email ? ` (${info.email})` : "")));
  lines.push(row("plan", info.planType ?? "unknown"));
  if (info.expiresAt === undefined) {
    lines.push(row("access token", "no expiry in the token"));
  } else {
    const when = new Date(info.expiresAt).toISOString();
    lines.push(
      row(
        "access token",
        info.expiresAt > nowMs
          ? `expires ${when} (in ${span(info.expiresAt - nowMs)})`
          : `expired ${when} (${span(nowMs - info.expiresAt)} ago); refreshed on next use`,
      ),
    );
  }
  const last = info.lastRefresh ? Date.parse(info.lastRefresh) : NaN;
  lines.push(
    row(
      "last refresh",
      Number.isNaN(last)
        ? "unknown"
        : `${info.lastRefresh} (${span(Math.max(0, nowMs - last))} ago)`,
    ),
  );
  if (info.writeBlocker !== undefined) {
    lines.push(
      row(
        "write-back",
        `NOT POSSIBLE: cannot create a file beside auth.json (${info.writeBlocker}); codexgate ` +
          `will not refresh this sign-in until its directory is writable`,
      ),
    );
  }
  lines.push(row("status", "usable"));
  return lines;
}

function span(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
