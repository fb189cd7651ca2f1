/**
 * Where codexgate keeps the little it writes besides auth.json (the account
 * state of docs/accounts.md): `~/.local/share/codexgate`, on Windows
 * `%USERPROFILE%\AppData\Local\codexgate`.
 *
 * @module
 */
import { posix, win32 } from "node:path";

/** The data directory, or undefined when no home is known. */
export function codexgateDataDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string | undefined {
  const set = (name: string) => env[name]?.trim() || undefined;
  if (platform === "windows") {
    const home = set("USERPROFILE") ?? set("HOME");
    return home ? win32.join(home, "AppData", "Local", "codexgate") : undefined;
  }
  const home = set("HOME");
  return home ? posix.join(home, ".local", "share", "codexgate") : undefined;
}

/** The account state file in `dataDir`. */
export function accountStatePath(dataDir: string): string {
  return (dataDir.includes("\\") ? win32 : posix).join(dataDir, "account_state.json");
}
