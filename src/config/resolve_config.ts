/**
 * Applies the environment and the command-line flags to a parsed config (or
 * the embedded defaults) and settles every backend's URLs. Precedence:
 * flag > env > file > default. Kept apart from the file loading so that
 * starting without a config file loads neither the YAML parser nor the
 * validator (docs/operations.md#startup).
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { DEFAULT_BASE_URL, DEFAULT_ISSUER, DEFAULT_TOKEN_URL } from "./constants.ts";
import type { BackendConfig, Config } from "./schema.ts";

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
