/**
 * Whether codexgate could replace an auth.json: its directory must take a
 * new file (the atomic write-back creates a temp file there and renames it).
 *
 * @module
 */
import { dirnameOf as dirname, joinPath as join } from "../core/path.ts";
import { tempPrefix } from "./write_auth_file.ts";

/**
 * Creates and removes a temp file beside `authPath`.
 *
 * @returns undefined when that works, else the file system's reason.
 */
export async function writeBlocker(authPath: string): Promise<string | undefined> {
  // The refresh's leftover sweep removes this name if it is ever left behind.
  const probe = join(
    dirname(authPath),
    `${tempPrefix(authPath)}probe-${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  try {
    const file = await Deno.open(probe, { write: true, createNew: true, mode: 0o600 });
    file.close();
    await Deno.remove(probe).catch(() => {});
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
