/**
 * Exclusive OS file locks on the Codex CLI's lock files (`auth.lock`,
 * `auth.json.lock`, docs/backend-protocol.md#the-lock-protocol). The lock is
 * `Deno.FsFile.lock(true)`: `flock`
 * on Unix, `LockFileEx` on Windows, so it excludes the Codex CLI and other
 * codexgate processes, and the OS releases it when its holder dies: there is
 * never a stale lock to clean up, and lock files are never deleted.
 *
 * The wait is bounded without polling: the blocking `lock(true)` runs on
 * Deno's blocking thread pool and races a timer. When the timer wins, the
 * caller gets a clear error at once, and the still-pending lock call closes
 * its file (releasing the lock) the moment it is granted.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import { startTimer, type Timer } from "../timers.ts";

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Milliseconds to wait for the lock before giving up. */
  timeoutMs: number;
  /** Called once when the lock is not free at once (for a debug log). */
  onWait?: () => void;
  /** What did not happen, for the timeout message (default: the refresh). */
  gaveUp?: string;
}

/**
 * Runs `fn` while holding an exclusive lock on `lockPath` (created, mode
 * 0600, when missing; never deleted).
 *
 * @example
 * ```ts
 * await withFileLock("/home/me/.codex/auth.lock", () => rewriteAuthJson(), { timeoutMs: 30_000 });
 * ```
 * @throws {ProxyError} 503 `auth_lock_timeout` when the lock stays taken longer than `timeoutMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  const file = await Deno.open(lockPath, { read: true, write: true, create: true, mode: 0o600 });
  try {
    if (!(await file.tryLock(true))) {
      options.onWait?.();
      await lockWithin(file, lockPath, options);
    }
  } catch (err) {
    if (!(err instanceof LockTimeout)) file.close();
    throw err instanceof LockTimeout ? err.error : err;
  }
  try {
    return await fn();
  } finally {
    // Closing the descriptor releases the lock (also if `unlock` were skipped).
    file.close();
  }
}

class LockTimeout extends Error {
  constructor(readonly error: ProxyError) {
    super(error.message);
  }
}

async function lockWithin(
  file: Deno.FsFile,
  lockPath: string,
  options: FileLockOptions,
): Promise<void> {
  const { timeoutMs } = options;
  const gaveUp = options.gaveUp ?? "codexgate did not refresh the ChatGPT sign-in";
  let timer: Timer | undefined;
  let timedOut = false;
  const locked = file.lock(true).then(
    () => {
      // Granted after the caller gave up: let go at once.
      if (timedOut) file.close();
    },
    (err) => {
      if (timedOut) {
        file.close();
        return;
      }
      throw err;
    },
  );
  const timeout = new Promise<never>((_, reject) => {
    timer = startTimer(timeoutMs, () => {
      timedOut = true;
      reject(
        new LockTimeout(
          new ProxyError(
            503,
            `${lockPath} stayed locked by another program for ${
              Math.round(timeoutMs / 1000)
            } s; ${gaveUp}. Try again, or stop the program that holds it.`,
            { code: "auth_lock_timeout", type: "server_error" },
          ),
        ),
      );
    });
  });
  try {
    await Promise.race([locked, timeout]);
  } finally {
    timer?.cancel();
  }
}
