/**
 * The startup log lines about each backend's sign-in: where it was found and
 * until when it is valid, or a warning listing every path tried and saying to
 * run `codexgate login` (the proxy still starts; requests get a 401 until then).
 *
 * @module
 */
import type { ResolvedConfig } from "../config/load_config.ts";
import type { LogFields, LogLevel } from "../log.ts";
import { createCredentialService } from "./credential_service.ts";

/** One log line to write at startup. */
export interface StartupNote {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/**
 * Describes every backend's sign-in; never refreshes, never shows a secret.
 *
 * @example
 * ```ts
 * for (const n of await describeAuthStartup(config, { env, platform })) logger[n.level](n.message, n.fields);
 * ```
 */
export async function describeAuthStartup(
  config: ResolvedConfig,
  options: {
    env: Readonly<Record<string, string | undefined>>;
    platform: string;
    now?: () => number;
  },
): Promise<StartupNote[]> {
  const now = options.now ?? Date.now;
  const notes: StartupNote[] = [];
  const credentials = createCredentialService(config, { ...options, refresh: false });
  for (const backend of Object.values(config.backends)) {
    const info = await credentials.inspect(backend.name);
    if (!info.ok) {
      notes.push({
        level: "warn",
        message: `no usable ChatGPT sign-in: ${info.message}`,
        fields: { backend: info.backend },
      });
      continue;
    }
    const expired = info.expiresAt !== undefined && info.expiresAt <= now();
    notes.push({
      level: "info",
      message: expired
        ? "ChatGPT sign-in found; its access token expired and is refreshed on first use"
        : "ChatGPT sign-in found",
      fields: {
        backend: info.backend,
        path: info.path,
        from: info.from,
        account: info.account,
        plan: info.planType,
        expires_at: info.expiresAt === undefined
          ? undefined
          : new Date(info.expiresAt).toISOString(),
      },
    });
    if (info.mode !== undefined && (info.mode & 0o077) !== 0) {
      notes.push({
        level: "warn",
        message: `${info.path} is readable by other users (mode ${
          info.mode.toString(8).padStart(4, "0")
        }); codexgate writes it back as 0600 on the next refresh`,
        fields: { backend: info.backend },
      });
    }
    if (info.writeBlocker !== undefined) {
      notes.push({
        level: "warn",
        message: `cannot create files beside ${info.path} (${info.writeBlocker}): codexgate will ` +
          `not refresh this sign-in (and so not spend its refresh token) until that directory is writable`,
        fields: { backend: info.backend },
      });
    }
  }
  return notes;
}
