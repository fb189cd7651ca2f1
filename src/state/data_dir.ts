/**
 * Where codexgate keeps its own files (the usage history): config `data_dir`,
 * else the platform's place for application data
 * (docs/limits-and-usage.md#usage-history).
 *
 * @module
 */
import { joinPath as join } from "../core/path.ts";

/** The platform default: XDG on Linux, Application Support on macOS, LOCALAPPDATA on Windows. */
export function defaultDataDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string {
  const home = env.HOME ?? env.USERPROFILE ?? ".";
  if (platform === "windows") {
    return join(env.LOCALAPPDATA ?? join(env.USERPROFILE ?? home, "AppData", "Local"), "codexgate");
  }
  if (platform === "darwin") return join(home, "Library", "Application Support", "codexgate");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "codexgate");
}

/** The data directory `config` names, else the platform default. */
export function dataDir(
  config: { data_dir?: string },
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string {
  return config.data_dir ?? defaultDataDir(env, platform);
}

/** The usage history's file inside the data directory. */
export function usageDbPath(dir: string): string {
  return join(dir, "usage.sqlite");
}

/**
 * The data directory, or undefined when nothing says where it would be (no
 * `data_dir` and no home or data variable at all): then state stays in memory.
 */
export function knownDataDir(
  config: { data_dir?: string },
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string | undefined {
  const knowsPlace = config.data_dir !== undefined ||
    [env.HOME, env.USERPROFILE, env.XDG_DATA_HOME, env.LOCALAPPDATA].some((v) => v?.trim());
  return knowsPlace ? dataDir(config, env, platform) : undefined;
}

/** The pooled accounts' state file inside the data directory (docs/accounts.md). */
export function accountStatePath(dir: string): string {
  return join(dir, "account_state.json");
}
