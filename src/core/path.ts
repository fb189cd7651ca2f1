/**
 * The few path operations codexgate needs (a directory + a file name, a
 * file's directory and name), for POSIX and Windows paths, without
 * `node:path`: its first import loads Deno's Node compatibility layer, which
 * costs tens of milliseconds at startup (docs/operations.md#startup).
 * Results match `node:path` for these uses (tests/core_path_test.ts).
 *
 * @module
 */

/** Whether `platform` (`Deno.build.os` or Node's name) is Windows. */
export function isWindows(platform: string): boolean {
  return platform === "windows" || platform === "win32";
}

const HOST = Deno.build.os;

/**
 * Joins `parts` with the platform's separator, one separator at each seam (no
 * `..` resolution: codexgate joins a directory and names it chose).
 *
 * @example
 * ```ts
 * joinPathFor("linux", "/home/ann/", ".codex", "auth.json"); // "/home/ann/.codex/auth.json"
 * joinPathFor("windows", "C:\\Users\\Ann", ".codex"); // "C:\\Users\\Ann\\.codex"
 * ```
 */
export function joinPathFor(platform: string, ...parts: string[]): string {
  const windows = isWindows(platform);
  const sep = windows ? "\\" : "/";
  const trailing = windows ? /[\\/]+$/ : /\/+$/;
  const leading = windows ? /^[\\/]+/ : /^\/+/;
  let out = "";
  for (const raw of parts) {
    if (raw === "") continue;
    const part = windows ? raw.replaceAll("/", "\\") : raw;
    out = out === "" ? part : `${out.replace(trailing, "")}${sep}${part.replace(leading, "")}`;
  }
  return out === "" ? "." : out;
}

/** {@link joinPathFor} on this machine's platform. */
export function joinPath(...parts: string[]): string {
  return joinPathFor(HOST, ...parts);
}

/** The directory part of `path` (`"."` when there is none), like `node:path`'s `dirname`. */
export function dirnameOf(path: string, platform: string = HOST): string {
  const windows = isWindows(platform);
  const isSep = (c: string) => c === "/" || (windows && c === "\\");
  // A drive letter (`C:`) stays with the root on Windows.
  const root = windows && /^[a-zA-Z]:/.test(path) ? 2 : 0;
  let end = path.length;
  while (end > root + 1 && isSep(path[end - 1])) end--;
  let cut = -1;
  for (let i = end - 1; i >= root; i--) {
    if (isSep(path[i])) {
      cut = i;
      break;
    }
  }
  if (cut === -1) return root ? path.slice(0, root) : ".";
  return cut === root ? path.slice(0, root + 1) : path.slice(0, cut);
}

/** The last part of `path`, trailing separators ignored, like `node:path`'s `basename`. */
export function basenameOf(path: string, platform: string = HOST): string {
  const windows = isWindows(platform);
  const trimmed = path.replace(windows ? /[\\/]+$/ : /\/+$/, "");
  const start = Math.max(trimmed.lastIndexOf("/"), windows ? trimmed.lastIndexOf("\\") : -1);
  const name = trimmed.slice(start + 1);
  return windows && start === -1 ? name.replace(/^[a-zA-Z]:/, "") : name;
}
