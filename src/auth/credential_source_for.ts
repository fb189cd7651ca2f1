/**
 * The credential source of one backend, found the same way everywhere: the
 * proxy, `auth status` and `doctor` must agree on which auth.json is used.
 *
 * @module
 */
import type { ResolvedBackend } from "../config/load_config.ts";
import { type AuthPathCandidate, authPathCandidates, codexHomeDir } from "./discover_auth_path.ts";
import {
  FileCredentialSource,
  type FileCredentialSourceOptions,
} from "./file_credential_source.ts";
import { readCodexConfigToml } from "./keyring_hint.ts";

/** Where to look, plus what the source needs to refresh (omit `refresh` to only read). */
export interface CredentialSourceInputs
  extends Omit<FileCredentialSourceOptions, "candidates" | "readCodexConfig" | "platform"> {
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  /** A subcommand's `--auth-path`: the only file looked at. */
  authPathFlag?: string;
}

/**
 * Builds the auth.json-backed credential source for `backend`.
 *
 * @example
 * ```ts
 * const { source } = credentialSourceFor(backend, { env: Deno.env.toObject(), platform: Deno.build.os });
 * ```
 */
export function credentialSourceFor(
  backend: ResolvedBackend,
  inputs: CredentialSourceInputs,
): { source: FileCredentialSource; candidates: AuthPathCandidate[] } {
  const { env, platform, authPathFlag, ...rest } = inputs;
  const candidates = authPathCandidates({
    flagPath: authPathFlag,
    configPath: backend.auth_path,
    env,
    platform,
  });
  const codexHome = codexHomeDir(env, platform);
  const source = new FileCredentialSource({
    ...rest,
    candidates,
    readCodexConfig: () => readCodexConfigToml(codexHome),
    platform,
  });
  return { source, candidates };
}
