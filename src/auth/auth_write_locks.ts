/**
 * The two lock files beside auth.json, taken the way the Codex CLI takes
 * them (docs/sign-in.md, "How the file is written"): `auth.lock` across a
 * whole read → decide → write, and `auth.json.lock` around the change of
 * auth.json itself. Refresh, `codexgate login` and `codexgate logout` all go
 * through here, so none of them ever changes the file while another
 * codexgate or the Codex CLI writes it.
 *
 * @module
 */
import { dirnameOf as dirname, joinPath as join } from "../core/path.ts";
import { type FileLockOptions, withFileLock } from "./auth_lock.ts";
import { writeAuthFileAtomic } from "./write_auth_file.ts";

/** Runs `fn` holding `auth.lock` beside `authPath`. */
export function withAuthLock<T>(
  authPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  return withFileLock(join(dirname(authPath), "auth.lock"), fn, options);
}

/** Runs `fn` holding `auth.json.lock` beside `authPath` (the caller holds `auth.lock`). */
export function withAuthWriteLock<T>(
  authPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  return withFileLock(join(dirname(authPath), "auth.json.lock"), fn, options);
}

/** Options of {@link replaceAuthFile}. */
export interface ReplaceAuthFileOptions extends FileLockOptions {
  /** `Deno.build.os`. */
  platform: string;
}

/**
 * Atomically replaces auth.json (temp file, fsync, rename; mode 0600) under
 * `auth.json.lock`. The caller holds `auth.lock`.
 *
 * @example
 * ```ts
 * await withAuthLock(path, () => replaceAuthFile(path, text, { platform: Deno.build.os, timeoutMs: 30_000 }), { timeoutMs: 30_000 });
 * ```
 */
export function replaceAuthFile(
  authPath: string,
  text: string,
  options: ReplaceAuthFileOptions,
): Promise<void> {
  return withAuthWriteLock(
    authPath,
    () => writeAuthFileAtomic(authPath, text, { platform: options.platform }),
    options,
  );
}
