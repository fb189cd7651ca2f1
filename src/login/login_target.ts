/**
 * Which file `codexgate login` writes and `codexgate logout` removes: the
 * one codexgate reads. That is the first existing file among the paths of
 * the highest-priority source (--auth-path, then `auth_path`,
 * OPENAI_CODEX_PATH, CODEX_HOME, `~/.codex`), or that source's first path.
 * A file from a lower-priority source is not the target: after a login the
 * higher one exists and wins anyway.
 *
 * @module
 */
import type { AuthPathCandidate } from "../auth/discover_auth_path.ts";

/**
 * The sign-in file for `candidates`, or undefined when there is none (no
 * HOME and nothing configured).
 *
 * @example
 * ```ts
 * await signInTarget(authPathCandidates({ env, platform })); // { path: "/home/me/.codex/auth.json", from: "home directory" }
 * ```
 */
export async function signInTarget(
  candidates: readonly AuthPathCandidate[],
): Promise<AuthPathCandidate | undefined> {
  const first = candidates[0];
  if (!first) return undefined;
  for (const c of candidates.filter((c) => c.from === first.from)) {
    try {
      if ((await Deno.stat(c.path)).isFile) return c;
    } catch { /* missing, or a path through a file: not this one */ }
  }
  return first;
}
