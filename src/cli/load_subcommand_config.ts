/**
 * The config a subcommand runs with: `--config <file>` or the default place,
 * and on a bad file one line naming the command and the problem.
 *
 * @module
 */
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from "../config/load_config.ts";
import { ConfigError } from "../errors.ts";
import type { CliIo } from "./cli_io.ts";

/** What the subcommand got from its command line and its caller. */
export interface SubcommandConfigInputs {
  /** `--config`, when given. */
  path?: string;
  env: LoadConfigOptions["env"];
  readTextFile?: LoadConfigOptions["readTextFile"];
}

/**
 * Loads the config, or says why not on `io.err` (`codexgate <command>: …`)
 * and returns undefined: the subcommand then exits 1.
 */
export function loadSubcommandConfig(
  command: string,
  inputs: SubcommandConfigInputs,
  io: CliIo,
): ResolvedConfig | undefined {
  try {
    return loadConfig(inputs);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`codexgate ${command}: ${err.message}`);
    return undefined;
  }
}
