/**
 * Command-line parsing: flags and subcommands, no side effects. Hand-written
 * rather than `node:util`'s `parseArgs`, which would load Deno's Node
 * compatibility layer on every start (docs/operations.md#startup).
 *
 * @module
 */
import type { LogLevel } from "../log.ts";

/** What the command line asked for. */
export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | {
    kind: "serve";
    port?: number;
    host?: string;
    config?: string;
    logLevel?: LogLevel;
    allowUnauthenticated?: boolean;
  }
  | { kind: "subcommand"; name: string; args: string[] };

/** Subcommands dispatched before serve flags are parsed. */
export const SUBCOMMANDS: readonly string[] = [
  "init",
  "auth",
  "doctor",
  "login",
  "logout",
  "usage",
  "accounts",
];

/** A command-line mistake: exit 2 with a one-line message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** The serve flags: long name → short name and whether it takes a value. */
const OPTIONS: Record<string, { short?: string; value: boolean }> = {
  port: { short: "p", value: true },
  host: { value: true },
  config: { short: "c", value: true },
  "log-level": { value: true },
  "allow-unauthenticated": { value: false },
  help: { short: "h", value: false },
  version: { short: "V", value: false },
};

const BY_SHORT = new Map(
  Object.entries(OPTIONS).flatMap(([long, o]) => (o.short ? [[o.short, long] as const] : [])),
);

/** Flags as given: `--name value`, `--name=value`, `-x value`, `-xvalue`, `--flag`, `-x`. */
function readFlags(argv: readonly string[]): Record<string, string | true> {
  const values: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) inline = arg.slice(eq + 1);
    } else if (arg.startsWith("-") && arg.length > 1 && arg !== "--") {
      name = BY_SHORT.get(arg[1]);
      if (name === undefined) throw new UsageError(`unknown option ${arg.slice(0, 2)}`);
      if (arg.length > 2) inline = arg.slice(2);
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    }
    const option = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    if (!option) throw new UsageError(`unknown option --${name}`);
    if (!option.value) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next.length > 1)) {
        throw new UsageError(`--${name}: expected a value`);
      }
      inline = next;
      i++;
    }
    values[name] = inline;
  }
  return values;
}

/**
 * Parses argv.
 *
 * @throws {UsageError} for an unknown flag or a bad value.
 */
export function parseCli(argv: readonly string[]): CliCommand {
  if (argv.length > 0 && SUBCOMMANDS.includes(argv[0])) {
    return { kind: "subcommand", name: argv[0], args: argv.slice(1) };
  }
  const flags = readFlags(argv);
  const text = (name: string) =>
    typeof flags[name] === "string" ? flags[name] as string : undefined;
  const v = {
    help: flags.help === true,
    version: flags.version === true,
    port: text("port"),
    host: text("host"),
    config: text("config"),
    "log-level": text("log-level"),
    "allow-unauthenticated": flags["allow-unauthenticated"] === true,
  };
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  const command: CliCommand = { kind: "serve" };
  if (v.port !== undefined) {
    const port = Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(
        `--port: expected a whole number from 0 to 65535, got ${JSON.stringify(v.port)}`,
      );
    }
    command.port = port;
  }
  if (v.host !== undefined) {
    if (v.host.trim() === "") throw new UsageError("--host: expected an address");
    command.host = v.host;
  }
  if (v.config !== undefined) command.config = v.config;
  if (v["log-level"] !== undefined) {
    const level = v["log-level"] as LogLevel;
    if (!LOG_LEVELS.includes(level)) {
      throw new UsageError(
        `--log-level: expected one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(level)}`,
      );
    }
    command.logLevel = level;
  }
  if (v["allow-unauthenticated"]) command.allowUnauthenticated = true;
  return command;
}
