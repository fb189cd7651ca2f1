/**
 * Flag parsing shared by the subcommands: strict, no positionals, and one
 * line on stderr naming the subcommand when the flags are wrong.
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { CliIo } from "./cli_io.ts";

/**
 * Parses `args` for `codexgate <command>`; on a mistake writes one line to
 * `io.err` and returns undefined (the caller exits 2).
 *
 * @example
 * ```ts
 * const values = parseSubcommandArgs("init", ["--force"], { force: { type: "boolean" } }, consoleIo);
 * ```
 */
export function parseSubcommandArgs<T extends ParseArgsOptionsConfig>(
  command: string,
  args: readonly string[],
  options: T,
  io: Pick<CliIo, "err">,
):
  | ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>["values"]
  | undefined {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    io.err(
      `codexgate ${command}: ${
        (err as Error).message.split("\n")[0]
      } (see codexgate ${command} --help)`,
    );
    return undefined;
  }
}
