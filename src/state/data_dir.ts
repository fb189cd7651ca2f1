/**
 * Where codexgate keeps the little it writes besides auth.json (the account
 * state of docs/accounts.md): `$XDG_DATA_HOME/codexgate`, else
 * `~/.local/share/codexgate`, on Windows `%LOCALAPPDATA%\codexgate`.
 *
 * @module
 */
import { join } from "node:path";

/** The data directory, or undefined when no home is known. */
export function codexgateDataDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string | undefined {
  const set = (name: string) => env[name]?.trim() || undefined;
  if (platform === "windows") {
    const local = set("LOCALAPPDATA");
    return local ? join(local, "codexgate") : undefined;
  }
  const xdg = set("XDG_DATA_HOME");
  if (xdg) return join(xdg, "codexgate");
  const home = set("HOME");
  return home ? join(home, ".local", "share", "codexgate") : undefined;
}

/** The account state file in `dataDir`. */
export function accountStatePath(dataDir: string): string {
  return join(dataDir, "account_state.json");
}
