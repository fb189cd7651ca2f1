/**
 * Where auth.json lives: a pure function of config, env and platform, so it
 * can be tested for Windows on Linux.
 *
 * @module
 */
import { isWindows, joinPathFor } from "../core/path.ts";

/** Inputs of {@link authPathCandidates}. */
export interface AuthPathInputs {
  /** A subcommand's `--auth-path`: when set, the only place looked at. */
  flagPath?: string;
  /** `backends.<name>.auth_path`, beats the environment. */
  configPath?: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
}

/** A candidate path and why it is tried. */
export interface AuthPathCandidate {
  path: string;
  from:
    | "--auth-path"
    | "config auth_path"
    | "OPENAI_CODEX_PATH"
    | "CODEX_HOME"
    | "home directory"
    | "config accounts";
}

/**
 * The auth.json paths to try, first hit wins: `--auth-path` alone when
 * given, else config `auth_path` >
 * `OPENAI_CODEX_PATH` (a directory or the file itself) > `CODEX_HOME` >
 * `~/.codex/auth.json` (home from `HOME`, or `USERPROFILE` on Windows).
 */
export function authPathCandidates(inputs: AuthPathInputs): AuthPathCandidate[] {
  const windows = isWindows(inputs.platform);
  const join = (...parts: string[]) => joinPathFor(inputs.platform, ...parts);
  const out: AuthPathCandidate[] = [];
  // A directory holding auth.json, or the file itself: a name ending in .json is
  // taken as the file; any other name is tried as a directory, then as a file.
  const fileOrDir = (given: string, from: AuthPathCandidate["from"]) => {
    const p = expandTilde(given);
    if (/\.json$/i.test(p)) {
      out.push({ path: p, from });
    } else {
      out.push({ path: join(p, "auth.json"), from }, { path: p, from });
    }
  };
  const env = (k: string) => {
    const v = inputs.env[k];
    return v === undefined || v.trim() === "" ? undefined : v;
  };
  const home = windows ? env("USERPROFILE") ?? env("HOME") : env("HOME");
  // `~/…` as in config.example.yaml; the shell expands it in env values, nobody does in YAML.
  const expandTilde = (p: string) =>
    home && (p === "~" || /^~[\\/]/.test(p)) ? join(home, p.slice(1)) : p;
  if (inputs.flagPath) {
    fileOrDir(inputs.flagPath, "--auth-path");
    return out;
  }
  if (inputs.configPath) fileOrDir(inputs.configPath, "config auth_path");
  const codexPath = env("OPENAI_CODEX_PATH");
  if (codexPath) fileOrDir(codexPath, "OPENAI_CODEX_PATH");
  const codexHome = env("CODEX_HOME");
  if (codexHome) out.push({ path: join(codexHome, "auth.json"), from: "CODEX_HOME" });
  if (home) out.push({ path: join(home, ".codex", "auth.json"), from: "home directory" });
  return out;
}

/** The Codex home directory (for models_cache.json and config.toml). */
export function codexHomeDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string | undefined {
  if (env.CODEX_HOME) return env.CODEX_HOME;
  const home = isWindows(platform) ? env.USERPROFILE ?? env.HOME : env.HOME;
  return home ? joinPathFor(platform, home, ".codex") : undefined;
}
