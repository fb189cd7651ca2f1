/**
 * Command-line parsing: flags and subcommands, no side effects.
 *
 * @module
 */
import { parseArgs } from "node:util";
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

/**
 * Parses argv.
 *
 * @throws {UsageError} for an unknown flag or a bad value.
 */
export function parseCli(argv: readonly string[]): CliCommand {
  if (argv.length > 0 && SUBCOMMANDS.includes(argv[0])) {
    return { kind: "subcommand", name: argv[0], args: argv.slice(1) };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        config: { type: "string", short: "c" },
        "log-level": { type: "string" },
        "allow-unauthenticated": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0].replace(/\. To specify.*$/, ""));
  }
  const v = parsed.values;
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
