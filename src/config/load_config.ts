/**
 * Loads the config: file (YAML) or embedded defaults, then environment, then
 * command-line flags. Precedence: flag > env > file > default.
 *
 * @module
 */
import YAML from "yaml";
import { ConfigError } from "../errors.ts";
import { formatIssues } from "./format_issues.ts";
import {
  type BackendConfig,
  type Config,
  configSchema,
  DEFAULT_BASE_URL,
  DEFAULT_ISSUER,
  DEFAULT_TOKEN_URL,
} from "./schema.ts";

/** A backend whose URLs are settled. */
export type ResolvedBackend = Omit<BackendConfig, "login"> & {
  name: string;
  base_url: string;
  token_url: string;
  login: BackendConfig["login"] & { issuer: string };
};

/** The config after every source was applied; what the app runs on. */
export interface ResolvedConfig extends Omit<Config, "backends" | "default_backend"> {
  backends: Record<string, ResolvedBackend>;
  default_backend: string;
  /** Where the config came from: a path, or "embedded defaults". */
  source: string;
}

/** Values from the command line that override the file. */
export interface ConfigFlags {
  host?: string;
  port?: number;
  logLevel?: Config["log_level"];
  allowUnauthenticated?: boolean;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Explicit `--config` path; when absent `./config.yaml` is used if it exists. */
  path?: string;
  env?: Readonly<Record<string, string | undefined>>;
  flags?: ConfigFlags;
  /** Reads a text file, or returns undefined when it does not exist. */
  readTextFile?: (path: string) => string | undefined;
}

/** Default config file name looked for in the working directory. */
export const DEFAULT_CONFIG_FILE = "config.yaml";

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
    config = text === undefined
      ? configSchema.parse({})
      : parseConfigText(text, DEFAULT_CONFIG_FILE);
    if (text !== undefined) source = DEFAULT_CONFIG_FILE;
  }
  return resolveConfig(config, { env, flags: options.flags ?? {}, source });
}

/** Applies env and flags to a parsed config and settles every backend's URLs. */
export function resolveConfig(
  config: Config,
  options: {
    env: Readonly<Record<string, string | undefined>>;
    flags: ConfigFlags;
    source: string;
  },
): ResolvedConfig {
  const { env, flags } = options;
  const names = Object.keys(config.backends);
  if (names.length === 0) throw new ConfigError(`${options.source}: backends: at least one needed`);
  const defaultBackend = config.default_backend ?? names[0];
  if (!(defaultBackend in config.backends)) {
    throw new ConfigError(
      `${options.source}: default_backend: expected one of ${names.join(", ")}, got ${
        JSON.stringify(defaultBackend)
      }`,
    );
  }
  const baseUrlEnv = nonEmpty(env.OPENAI_API_BASE_URL);
  const tokenUrlEnv = nonEmpty(env.CODEX_REFRESH_TOKEN_URL_OVERRIDE);
  const issuerEnv = nonEmpty(env.CODEXGATE_LOGIN_ISSUER);
  for (
    const [key, value] of [
      ["OPENAI_API_BASE_URL", baseUrlEnv],
      ["CODEX_REFRESH_TOKEN_URL_OVERRIDE", tokenUrlEnv],
      ["CODEXGATE_LOGIN_ISSUER", issuerEnv],
    ] as const
  ) {
    if (value !== undefined && !URL.canParse(value)) {
      throw new ConfigError(`${key}: expected a URL, got ${JSON.stringify(value)}`);
    }
  }
  const backends: Record<string, ResolvedBackend> = {};
  for (const [name, backend] of Object.entries(config.backends)) {
    backends[name] = {
      ...backend,
      name,
      base_url: trimSlash(baseUrlEnv ?? backend.base_url ?? DEFAULT_BASE_URL),
      token_url: tokenUrlEnv ?? backend.token_url ?? DEFAULT_TOKEN_URL,
      login: {
        ...backend.login,
        issuer: trimSlash(issuerEnv ?? backend.login.issuer ?? DEFAULT_ISSUER),
      },
    };
  }
  return {
    ...config,
    server: {
      ...config.server,
      host: flags.host ?? config.server.host,
      port: flags.port ?? config.server.port,
      allow_unauthenticated: flags.allowUnauthenticated || config.server.allow_unauthenticated,
    },
    log_level: flags.logLevel ?? config.log_level,
    default_backend: defaultBackend,
    backends,
    source: options.source,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function readTextFileIfExists(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(`${path}: cannot read: ${(err as Error).message}`);
  }
}
