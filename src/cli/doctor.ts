/**
 * `codexgate doctor`: checks the config, the sign-in, its expiry, and that the
 * backend and the token endpoint answer, then prints what to fix. Exits 1 when
 * something is broken, 0 when codexgate should work (warnings allowed).
 *
 * @module
 */
import { createCredentialService } from "../auth/credential_service.ts";
import type { LoadConfigOptions } from "../config/load_config.ts";
import { VERSION } from "../version.ts";
import type { CliIo } from "./cli_io.ts";
import { parseSubcommandArgs } from "./parse_subcommand_args.ts";
import {
  checkAuthFile,
  checkBackend,
  checkConfig,
  checkTokenEndpoint,
  checkTokenExpiry,
  type Finding,
} from "./doctor_checks.ts";

/** Dependencies of {@link runDoctor}; tests inject them. */
export interface DoctorOptions {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  /** `Deno.build.os` or a stand-in (`windows`, `darwin`, `linux`). */
  platform?: string;
  fetch?: typeof fetch;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Reads a config file, or undefined when it does not exist (default: from disk). */
  readTextFile?: LoadConfigOptions["readTextFile"];
}

/** Seconds each network check may take unless --timeout says otherwise. */
export const DEFAULT_DOCTOR_TIMEOUT_SECONDS = 5;

const MARK: Record<Finding["status"], string> = { ok: "[ok]  ", warn: "[warn]", fail: "[FAIL]" };

/** Runs `codexgate doctor`; returns the exit code. */
export async function runDoctor(args: readonly string[], options: DoctorOptions): Promise<number> {
  const { io } = options;
  const values = parseSubcommandArgs("doctor", args, {
    config: { type: "string", short: "c" },
    timeout: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, io);
  if (values === undefined) return 2;
  if (values.help) {
    io.out("Usage: codexgate doctor [--config <file>] [--timeout <seconds>]");
    io.out("Checks the config, auth.json, the token's expiry, and that the Codex backend and");
    io.out(
      `the token endpoint answer (each within --timeout, default ${DEFAULT_DOCTOR_TIMEOUT_SECONDS} s).`,
    );
    return 0;
  }
  const timeoutSeconds = values.timeout === undefined
    ? DEFAULT_DOCTOR_TIMEOUT_SECONDS
    : Number(values.timeout);
  if (!(timeoutSeconds > 0 && timeoutSeconds <= 120)) {
    io.err(
      `codexgate doctor: --timeout: expected seconds from 0 to 120, got ${
        JSON.stringify(values.timeout)
      }`,
    );
    return 2;
  }
  const platform = options.platform ?? Deno.build.os;
  const now = options.now ?? Date.now;
  const probe = { fetch: options.fetch ?? globalThis.fetch, timeoutMs: timeoutSeconds * 1000 };
  const findings: Finding[] = [];
  const report = (finding: Finding, indent = "") => {
    findings.push(finding);
    // Continuation lines (a config error lists one key per line) stay under the detail.
    const [first, ...rest] = finding.detail.split("\n");
    io.out(`${indent}${MARK[finding.status]} ${finding.subject}: ${first}`);
    for (const line of rest) io.out(`${indent}       ${line.trim()}`);
    if (finding.fix) io.out(`${indent}       fix: ${finding.fix}`);
  };

  io.out(`codexgate ${VERSION} doctor (${platform})`);
  const { finding, config } = checkConfig({
    path: values.config,
    env: options.env,
    readTextFile: options.readTextFile,
  });
  report(finding);
  if (config) {
    const credentials = createCredentialService(config, {
      env: options.env,
      platform,
      refresh: false,
    });
    for (const backend of Object.values(config.backends)) {
      io.out(
        `backend "${backend.name}"${backend.name === config.default_backend ? " (default)" : ""}`,
      );
      const auth = await checkAuthFile(backend, credentials);
      report(auth.finding, "  ");
      const checkedAt = now();
      const expiresAt = auth.credentials?.expiresAt;
      const expired = expiresAt !== undefined && expiresAt <= checkedAt;
      if (auth.credentials) {
        report(
          checkTokenExpiry(auth.credentials, {
            now: checkedAt,
            refreshMarginSeconds: backend.refresh_margin_seconds,
          }),
          "  ",
        );
      }
      // Both network checks run at once so doctor takes one timeout, not two.
      const [backendFinding, tokenFinding] = await Promise.all([
        checkBackend(backend, {
          ...probe,
          credentials: auth.credentials,
          expired,
          host: { os: platform, arch: Deno.build.arch },
        }),
        checkTokenEndpoint(backend, probe),
      ]);
      report(backendFinding, "  ");
      report(tokenFinding, "  ");
    }
  }
  const failures = findings.filter((f) => f.status === "fail").length;
  const warnings = findings.filter((f) => f.status === "warn").length;
  if (failures > 0) {
    io.err(`${failures} problem${failures === 1 ? "" : "s"} found: fix the [FAIL] lines above.`);
    return 1;
  }
  io.out(
    warnings > 0
      ? `No problems; ${warnings} warning${warnings === 1 ? "" : "s"} above.`
      : "All checks passed.",
  );
  return 0;
}
