/**
 * Which file `codexgate login --account <name>` writes (docs/accounts.md):
 * the file of the pool entry with that name, else `<name>.json` in the
 * backend's first directory entry (created when missing).
 *
 * @module
 */
import { joinPath as join } from "../core/path.ts";
import type { ResolvedBackend } from "../config/load_config.ts";
import { expandHome, isDirectoryEntry, nameOfFile } from "./account_entries.ts";

/** An account name as the config accepts it. */
export const ACCOUNT_NAME = /^[A-Za-z0-9_.@-]+$/;

/** The file to write for account `name`, or a sentence saying why there is none. */
export async function accountLoginTarget(
  backend: ResolvedBackend,
  name: string,
  options: { env: Readonly<Record<string, string | undefined>>; platform: string },
): Promise<{ path: string } | { problem: string }> {
  if (!ACCOUNT_NAME.test(name)) {
    return { problem: `--account: use letters, digits, _ . @ - only, got ${JSON.stringify(name)}` };
  }
  if (backend.accounts === undefined) {
    return {
      problem:
        `backend ${backend.name} has no accounts list; add backends.${backend.name}.accounts ` +
        "to the config (see docs/accounts.md)",
    };
  }
  const paths = backend.accounts.map((e) => ({
    entry: e,
    path: expandHome(e.path, options.env, options.platform),
  }));
  for (const { entry, path } of paths) {
    if (!isDirectoryEntry(path) && (entry.name ?? nameOfFile(path)) === name) return { path };
  }
  const dir = paths.find(({ path }) => isDirectoryEntry(path));
  if (!dir) {
    return {
      problem: `backend ${backend.name} has no account named "${name}" and no directory entry ` +
        "to add it to; add `- {name: " + name + ", path: <file>}` to its accounts",
    };
  }
  await Deno.mkdir(dir.path, { recursive: true, mode: 0o700 });
  return { path: join(dir.path, `${name}.json`) };
}
