/**
 * Turns a backend's `accounts` entries into the pool's members
 * (docs/accounts.md): a file entry is one account; a directory entry is one
 * account per `*.json` file in it, named after the file. Bad input never
 * stops the proxy: an unreadable or torn file in a directory, an empty
 * directory, a name used twice or the same ChatGPT account twice is a
 * problem to report, and the pool serves with the members that are good.
 *
 * @module
 */
import { basenameOf as basename, dirnameOf as dirname, joinPath as join } from "../core/path.ts";
import type { AccountEntry } from "../config/schema.ts";
import { parseAuthSnapshot } from "./auth_snapshot.ts";

/** One account of a pool. */
export interface PoolMember {
  name: string;
  /** Its sign-in file (may not exist yet: `codexgate login --account <name>` writes it). */
  path: string;
  disabled: boolean;
}

/** Members and what was wrong with the entries. */
export interface ExpandedAccounts {
  members: PoolMember[];
  /** One sentence each, naming the file and what to do. */
  problems: string[];
}

/** `~/…` expanded with HOME (USERPROFILE on Windows), as nobody expands it in YAML. */
export function expandHome(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string {
  const home = platform === "windows" ? env.USERPROFILE ?? env.HOME : env.HOME;
  return home && (path === "~" || /^~[\\/]/.test(path)) ? join(home, path.slice(1)) : path;
}

/** True when `path` names a directory of sign-ins (an existing directory, or a name not ending in .json). */
export function isDirectoryEntry(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return !/\.json$/i.test(path);
  }
}

/** The account name a file entry without `name` gets: its file name, or for auth.json its folder's. */
export function nameOfFile(path: string): string {
  const stem = basename(path).replace(/\.json$/i, "");
  return stem === "auth" ? basename(dirname(path)) : stem;
}

/**
 * Reads the entries (synchronously: once, at start) into pool members.
 *
 * @example
 * ```ts
 * const { members, problems } = expandAccountEntries(backend.accounts ?? [], { env, platform });
 * ```
 */
export function expandAccountEntries(
  entries: readonly AccountEntry[],
  options: { env: Readonly<Record<string, string | undefined>>; platform: string },
): ExpandedAccounts {
  const members: PoolMember[] = [];
  const problems: string[] = [];
  const accountIdOf = new Map<string, string>(); // account id → member name
  const add = (member: PoolMember, accountId: string | undefined) => {
    const taken = members.find((m) => m.name === member.name);
    if (taken) {
      problems.push(
        `account name "${member.name}" is used twice (${taken.path} and ${member.path}); ` +
          `${member.path} is not used: give it another name`,
      );
      return;
    }
    if (accountId !== undefined) {
      const same = accountIdOf.get(accountId);
      if (same !== undefined) {
        problems.push(
          `${member.path} (account "${member.name}") signs in the same ChatGPT account as ` +
            `"${same}"; it is not used (two copies of one sign-in race each other's refresh)`,
        );
        return;
      }
      accountIdOf.set(accountId, member.name);
    }
    members.push(member);
  };
  for (const entry of entries) {
    const path = expandHome(entry.path, options.env, options.platform);
    if (isDirectoryEntry(path)) {
      const files = jsonFilesIn(path, problems);
      if (files === undefined) continue;
      if (files.length === 0) {
        problems.push(
          `${path} holds no sign-in files (*.json); add one with ` +
            "`codexgate login --account <name>`",
        );
        continue;
      }
      for (const file of files) {
        const read = readAccountId(file);
        if (!("accountId" in read)) {
          problems.push(`${file} is skipped: ${"problem" in read ? read.problem : "it vanished"}`);
          continue;
        }
        const stem = basename(file).replace(/\.json$/i, "");
        const name = stem === "auth" && entry.name ? entry.name : stem;
        add({ name, path: file, disabled: entry.disabled }, read.accountId);
      }
      continue;
    }
    const name = entry.name ?? nameOfFile(path);
    const read = readAccountId(path);
    if ("missing" in read) {
      problems.push(
        `account "${name}": ${path} does not exist yet; sign in with ` +
          `\`codexgate login --account ${name}\``,
      );
    } else if ("problem" in read) {
      problems.push(`account "${name}": ${read.problem} (it is shown as needing sign-in)`);
    }
    add({ name, path, disabled: entry.disabled }, "accountId" in read ? read.accountId : undefined);
  }
  return { members, problems };
}

function jsonFilesIn(dir: string, problems: string[]): string[] | undefined {
  try {
    return [...Deno.readDirSync(dir)]
      .filter((e) => e.isFile && /\.json$/i.test(e.name) && !e.name.startsWith("."))
      .map((e) => join(dir, e.name))
      .sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      problems.push(
        `${dir} does not exist yet; sign in an account into it with ` +
          "`codexgate login --account <name>`",
      );
      return undefined;
    }
    problems.push(`${dir} cannot be read: ${(err as Error).message}`);
    return undefined;
  }
}

function readAccountId(
  path: string,
): { accountId: string } | { missing: true } | { problem: string } {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { missing: true };
    return { problem: `cannot be read (${(err as Error).message})` };
  }
  try {
    return { accountId: parseAuthSnapshot(text, path).credentials.accountId };
  } catch (err) {
    return { problem: (err as Error).message.split(" Run `")[0] };
  }
}
