/**
 * `codexgate init [--force] [--path <file|dir>]`: writes the commented
 * example config (embedded in the binary) to ./config.yaml, never over an
 * existing file unless --force.
 *
 * @module
 */
import { join } from "node:path";
import { DEFAULT_CONFIG_FILE } from "../config/load_config.ts";
import { EXAMPLE_CONFIG_YAML } from "../config/example_config.ts";
import type { CliIo } from "./cli_io.ts";
import { parseSubcommandArgs } from "./parse_subcommand_args.ts";

/** Options of {@link runInit}. */
export interface InitOptions {
  io: CliIo;
  /** The example text to write (default: the embedded config.example.yaml). */
  exampleText?: string;
}

/**
 * Runs `codexgate init`; returns the exit code (0 written, 1 refused or
 * failed, 2 usage error).
 */
export async function runInit(args: readonly string[], options: InitOptions): Promise<number> {
  const { io } = options;
  const values = parseSubcommandArgs("init", args, {
    force: { type: "boolean", short: "f" },
    path: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, io);
  if (values === undefined) return 2;
  if (values.help) {
    io.out("Usage: codexgate init [--force] [--path <file or directory>]");
    io.out("Writes a commented config.yaml (every key documented) to ./config.yaml.");
    io.out("  --path <p>   where to write it (a directory gets config.yaml inside)");
    io.out("  --force      overwrite an existing file");
    return 0;
  }
  const path = await targetPath(values.path ?? DEFAULT_CONFIG_FILE);
  try {
    // createNew makes the existence check and the creation one step, so a
    // file that appears meanwhile is never overwritten without --force.
    await Deno.writeTextFile(path, options.exampleText ?? EXAMPLE_CONFIG_YAML, {
      createNew: !values.force,
    });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) {
      io.err(`codexgate init: ${path} already exists; not overwritten.`);
      io.err("Pass --force to replace it, or --path <file> to write somewhere else.");
      return 1;
    }
    io.err(`codexgate init: cannot write ${path}: ${(err as Error).message}`);
    return 1;
  }
  io.out(`Wrote ${path}. Edit it, then start codexgate in this directory`);
  io.out(`(or pass --config ${path}). Check the setup with: codexgate doctor`);
  return 0;
}

async function targetPath(path: string): Promise<string> {
  try {
    if ((await Deno.stat(path)).isDirectory) return join(path, DEFAULT_CONFIG_FILE);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return path;
}
