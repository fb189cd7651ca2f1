/**
 * Replaces auth.json so that a crash at any instant leaves either the old or
 * the new file, never a torn one (docs/backend-protocol.md#atomic-writes):
 * temp file in the same directory
 * (created exclusively, mode 0600), fsync, rename over auth.json, fsync the
 * directory. The caller holds `auth.lock` (and `auth.json.lock` to commit).
 *
 * @module
 */
import { basenameOf as basename, dirnameOf as dirname, joinPath as join } from "../core/path.ts";

/** Options of {@link writeAuthFileAtomic}. */
export interface WriteAuthFileOptions {
  /** `Deno.build.os`; Windows skips chmod and retries a refused rename briefly. */
  platform: string;
}

/** Prefix of codexgate's temp files beside auth.json (never the Codex CLI's own). */
export function tempPrefix(authPath: string): string {
  return `.${basename(authPath)}.codexgate-`;
}

/**
 * Atomically replaces `path` with `content`, mode 0600.
 *
 * @example
 * ```ts
 * await writeAuthFileAtomic("/home/me/.codex/auth.json", JSON.stringify(next, null, 2), { platform: Deno.build.os });
 * ```
 */
export async function writeAuthFileAtomic(
  path: string,
  content: string,
  options: WriteAuthFileOptions,
): Promise<void> {
  const pending = await prepareAuthFileWrite(path, options);
  await pending.commit(content);
}

/** A temp file beside auth.json, created and open, waiting for its content. */
export interface PendingAuthWrite {
  /** Writes `content`, syncs and renames it over auth.json; the temp file is gone either way. */
  commit(content: string): Promise<void>;
  /** Removes the temp file unused. */
  abandon(): Promise<void>;
}

/**
 * The first half of {@link writeAuthFileAtomic}: creates the exclusive temp
 * file now, so a caller learns that auth.json can be replaced before it does
 * something it cannot undo (spend a refresh token).
 *
 * @throws the file system's error when the directory is not writable.
 */
export async function prepareAuthFileWrite(
  path: string,
  options: WriteAuthFileOptions,
): Promise<PendingAuthWrite> {
  const windows = options.platform === "windows" || options.platform === "win32";
  const dir = dirname(path);
  await removeLeftovers(path);
  const tmp = join(dir, `${tempPrefix(path)}${crypto.randomUUID().slice(0, 8)}.tmp`);
  const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
  let open = true;
  const close = () => {
    if (open) file.close();
    open = false;
  };
  return {
    async commit(content) {
      try {
        try {
          const bytes = new TextEncoder().encode(content);
          for (let written = 0; written < bytes.length;) {
            written += await file.write(bytes.subarray(written));
          }
          await file.sync();
        } finally {
          close();
        }
        // `mode` is filtered by the umask and means nothing on Windows.
        if (!windows) await Deno.chmod(tmp, 0o600);
        await renameOver(tmp, path, windows);
      } catch (err) {
        await Deno.remove(tmp).catch(() => {});
        throw err;
      }
      if (!windows) await syncDirectory(dir);
    },
    async abandon() {
      close();
      await Deno.remove(tmp).catch(() => {});
    },
  };
}

/**
 * Deletes temp files a killed codexgate left behind. Safe only under
 * `auth.lock`: every codexgate writer holds it while its temp file exists.
 */
async function removeLeftovers(path: string): Promise<void> {
  const prefix = tempPrefix(path);
  try {
    for await (const entry of Deno.readDir(dirname(path))) {
      if (entry.isFile && entry.name.startsWith(prefix) && entry.name.endsWith(".tmp")) {
        await Deno.remove(join(dirname(path), entry.name)).catch(() => {});
      }
    }
  } catch { /* listing is best-effort */ }
}

async function renameOver(from: string, to: string, windows: boolean): Promise<void> {
  // Windows replaces an existing target too (MoveFileEx with REPLACE_EXISTING), but
  // refuses while another program has auth.json open without delete sharing: retry briefly.
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.rename(from, to);
      return;
    } catch (err) {
      const busy = err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.Busy;
      if (!windows || !busy || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 25 * (attempt + 1)));
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; not every file system allows it, hence best-effort.
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch { /* best-effort */ }
}
