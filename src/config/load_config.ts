/**
 * Loads the config: file (YAML) or embedded defaults, then environment, then
 * command-line flags. Precedence: flag > env > file > default. This module
 * loads the YAML parser and zod; serving imports it only when there is a
 * config file (docs/operations.md#startup).
 *
 * @module
 */
import YAML from "yaml";
import { ConfigError } from "../errors.ts";
import { DEFAULT_CONFIG_FILE, defaultConfig } from "./defaults.ts";
import { formatIssues } from "./format_issues.ts";
import { type ConfigFlags, resolveConfig, type ResolvedConfig } from "./resolve_config.ts";
import { type Config, configSchema } from "./schema.ts";

export type { ConfigFlags, ResolvedBackend, ResolvedConfig } from "./resolve_config.ts";
export { resolveConfig } from "./resolve_config.ts";
export { DEFAULT_CONFIG_FILE } from "./defaults.ts";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Explicit `--config` path; when absent `./config.yaml` is used if it exists. */
  path?: string;
  env?: Readonly<Record<string, string | undefined>>;
  flags?: ConfigFlags;
  /** Reads a text file, or returns undefined when it does not exist. */
  readTextFile?: (path: string) => string | undefined;
}

/**
 * Parses and validates config text (YAML).
 *
 * @throws {ConfigError} naming the file, the key path and what was expected.
 */
export function parseConfigText(text: string, source: string): Config {
  let raw: unknown;
  try {
    raw = YAML.parse(text) ?? {};
  } catch (err) {
    throw new ConfigError(`${source}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(`${source}: invalid config\n${formatIssues(result.error.issues)}`);
  }
  return result.data;
}

/**
 * Loads the config from file (or embedded defaults), env and flags.
 *
 * @example
 * ```ts
 * const config = loadConfig({ env: Deno.env.toObject() });
 * ```
 * @throws {ConfigError} on a missing explicit file or invalid content.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? {};
  const read = options.readTextFile ?? readTextFileIfExists;
  let config: Config;
  let source = "embedded defaults";
  if (options.path !== undefined) {
    const text = read(options.path);
    if (text === undefined) throw new ConfigError(`${options.path}: config file not found`);
    config = parseConfigText(text, options.path);
    source = options.path;
  } else {
    const text = read(DEFAULT_CONFIG_FILE);
    config = text === undefined ? defaultConfig() : parseConfigText(text, DEFAULT_CONFIG_FILE);
    if (text !== undefined) source = DEFAULT_CONFIG_FILE;
  }
  return resolveConfig(config, { env, flags: options.flags ?? {}, source });
}

function readTextFileIfExists(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(`${path}: cannot read: ${(err as Error).message}`);
  }
}
