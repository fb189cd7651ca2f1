/**
 * `codexgate login`: signs in with ChatGPT without the Codex CLI
 * (docs/sign-in.md). The browser flow by default; `--device-auth` for the
 * device code; `--no-browser` to paste the callback address back. The
 * result goes where codexgate reads credentials (or to `--auth-path`),
 * written like a refresh writes it. Any failure is one line on stderr and
 * a non-zero exit, and leaves an existing auth.json as it was.
 *
 * @module
 */
import { shortAccount } from "../auth/auth_snapshot.ts";
import { accountLoginTarget } from "../auth/account_login_target.ts";
import { authPathCandidates } from "../auth/discover_auth_path.ts";
import { readClaims } from "../auth/jwt.ts";
import type { LoadConfigOptions } from "../config/load_config.ts";
import { loadSubcommandConfig } from "./load_subcommand_config.ts";
import { ProxyError } from "../errors.ts";
import { browserSignIn } from "../login/browser_sign_in.ts";
import { deviceSignIn } from "../login/device_sign_in.ts";
import type { LoginContext } from "../login/login_context.ts";
import { LoginError, spanText } from "../login/login_error.ts";
import { signInTarget } from "../login/login_target.ts";
import { openBrowser } from "../login/open_browser.ts";
import { pasteSignIn } from "../login/paste_sign_in.ts";
import { writeSignIn } from "../login/write_login.ts";
import type { CliIo } from "./cli_io.ts";
import { parseSubcommandArgs } from "./parse_subcommand_args.ts";
import { readStdinLine } from "./read_stdin_line.ts";

/** Dependencies of {@link runLogin}; tests inject them. */
export interface LoginOptions {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  /** `Deno.build.os` unless a test says otherwise. */
  platform?: string;
  fetch?: typeof fetch;
  /** Epoch ms, for `last_refresh`. */
  now?: () => number;
  readTextFile?: LoadConfigOptions["readTextFile"];
  /** Aborted by Ctrl-C; its reason, when a LoginError, is the line printed. */
  signal?: AbortSignal;
  /** Opens the sign-in page (default: the OS's opener). */
  openBrowser?: (url: string) => boolean;
  /** Reads one pasted line (default: stdin). */
  readLine?: (signal: AbortSignal) => Promise<string | null>;
  /** How long the browser and paste flows wait for the person (default 15 minutes). */
  waitLimitMs?: number;
  /** How long a device code is polled (default 15 minutes). */
  deviceLifetimeMs?: number;
  /** Retry time for a busy callback port after asking it to `/cancel` (default 2 s). */
  takeoverMs?: number;
  /** Wait for the browser to load `/success` (default 5 s). */
  successGraceMs?: number;
  /** Bound on each issuer call (default 30 s). */
  callTimeoutMs?: number;
  /** Bound on waiting for auth.lock (default 30 s). */
  lockTimeoutMs?: number;
}

/** How long the person has to finish signing in. */
export const LOGIN_WAIT_LIMIT_MS = 15 * 60_000;

const USAGE = [
  "Usage: codexgate login [--device-auth | --no-browser] [--no-open] [--auth-path <file or dir>]",
  "                       [--issuer <url>] [--client-id <id>] [--callback-port <n>]...",
  "                       [--config <file>] [--backend <name>] [--account <name>]",
  "Signs in with ChatGPT and writes auth.json where codexgate reads it.",
  "  (default)          browser sign-in: listens on 127.0.0.1:1455 (else 1457), opens the",
  "                     browser where possible and always prints the address",
  "  --device-auth      device code: enter a one-time code at <issuer>/codex/device",
  "  --no-browser       print the address; paste back the address the browser ends on",
  "  --no-open          do not open a browser (the address is printed)",
  "  --auth-path <p>    write this file (a directory gets auth.json inside)",
  "  --issuer <url>     OAuth issuer (env CODEXGATE_LOGIN_ISSUER, config",
  "                     backends.<name>.login.issuer; default https://auth.openai.com)",
  "  --client-id <id>   OAuth client id (default: the backend's client_id)",
  "  --callback-port <n>  callback port, repeatable (default login.callback_ports: 1455, 1457)",
  "  --account <name>   sign in one account of the backend's accounts pool: writes that",
  "                     entry's file, or <name>.json in its directory (docs/accounts.md)",
];

/**
 * Runs `codexgate login`; returns the exit code (0 signed in, 1 failed,
 * 2 usage mistake, 130 cancelled).
 */
export async function runLogin(args: readonly string[], options: LoginOptions): Promise<number> {
  const { io } = options;
  const values = parseSubcommandArgs("login", args, {
    config: { type: "string", short: "c" },
    backend: { type: "string" },
    "auth-path": { type: "string" },
    account: { type: "string" },
    issuer: { type: "string" },
    "client-id": { type: "string" },
    "callback-port": { type: "string", multiple: true },
    "device-auth": { type: "boolean" },
    "no-browser": { type: "boolean" },
    "no-open": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, io);
  if (values === undefined) return 2;
  if (values.help) {
    for (const line of USAGE) io.out(line);
    return 0;
  }
  const usage = (message: string) => {
    io.err(`codexgate login: ${message} (see codexgate login --help)`);
    return 2;
  };
  if (values["device-auth"] && values["no-browser"]) {
    return usage("--device-auth and --no-browser are two different flows; pick one");
  }
  if (values.issuer !== undefined && !/^https?:\/\/[^/]/i.test(values.issuer)) {
    return usage(`--issuer: expected an http(s) URL, got ${JSON.stringify(values.issuer)}`);
  }
  if (values["client-id"] !== undefined && values["client-id"].trim() === "") {
    return usage("--client-id: expected a client id");
  }
  const flagPorts = values["callback-port"]?.map(Number);
  if (flagPorts?.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    return usage(
      `--callback-port: expected a port from 1 to 65535, got ${
        JSON.stringify(values["callback-port"])
      }`,
    );
  }
  const config = loadSubcommandConfig("login", {
    path: values.config,
    env: options.env,
    readTextFile: options.readTextFile,
  }, io);
  if (config === undefined) return 1;
  const backendName = values.backend ?? config.default_backend;
  const backend = config.backends[backendName];
  if (!backend) {
    return usage(
      `--backend: expected one of ${Object.keys(config.backends).join(", ")}, got ${
        JSON.stringify(values.backend)
      }`,
    );
  }
  const platform = options.platform ?? Deno.build.os;
  if (values.account !== undefined && values["auth-path"] !== undefined) {
    return usage("--account and --auth-path both name the file to write; pick one");
  }
  const accountTarget = values.account === undefined
    ? undefined
    : await accountLoginTarget(backend, values.account, { env: options.env, platform });
  if (accountTarget && "problem" in accountTarget) {
    io.err(`codexgate login: ${accountTarget.problem}`);
    return 1;
  }
  const target = accountTarget
    ? { path: accountTarget.path, from: `account ${values.account}` }
    : await signInTarget(authPathCandidates({
      flagPath: values["auth-path"],
      configPath: backend.auth_path,
      env: options.env,
      platform,
    }));
  if (!target) {
    io.err(
      "codexgate login: nowhere to write the sign-in: HOME is not set; pass --auth-path <file> " +
        "or set CODEX_HOME",
    );
    return 1;
  }
  const issuer = (values.issuer ?? backend.login.issuer).replace(/\/+$/, "");
  const clientId = values["client-id"] ?? backend.client_id;
  const ports = flagPorts ?? backend.login.callback_ports;
  const now = options.now ?? Date.now;

  // The browser and paste flows wait for a person: bounded, with its own line.
  const limit = new AbortController();
  const flow = values["device-auth"] ? "device" : values["no-browser"] ? "paste" : "browser";
  const waitLimitMs = options.waitLimitMs ?? LOGIN_WAIT_LIMIT_MS;
  const timer = flow === "device" ? undefined : setTimeout(() =>
    limit.abort(
      new LoginError(
        `no sign-in came back within ${spanText(waitLimitMs)}; nothing was written`,
      ),
    ), waitLimitMs);
  const signal = options.signal ? AbortSignal.any([options.signal, limit.signal]) : limit.signal;

  const ctx: LoginContext = {
    issuer,
    clientId,
    call: {
      fetch: options.fetch ?? globalThis.fetch,
      signal,
      timeoutMs: options.callTimeoutMs ?? 30_000,
    },
    say: (line) => io.out(line),
    note: (line) => io.err(`codexgate login: ${line}`),
    save: (tokens) =>
      writeSignIn(target.path, tokens, {
        platform,
        now,
        lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
      }),
  };
  io.out(
    `Signing in with ChatGPT for backend "${backend.name}" (issuer ${issuer}); the sign-in ` +
      `goes to ${target.path} (from ${target.from}).`,
  );
  try {
    const saved = flow === "device"
      ? await deviceSignIn(ctx, { lifetimeMs: options.deviceLifetimeMs })
      : flow === "paste"
      ? await pasteSignIn(ctx, {
        port: ports[0],
        readLine: options.readLine ?? readStdinLine,
      })
      : await browserSignIn(ctx, {
        ports,
        openBrowser: values["no-open"] || !backend.login.open_browser
          ? undefined
          : options.openBrowser ?? ((url) => openBrowser(url, platform)),
        takeoverMs: options.takeoverMs,
        successGraceMs: options.successGraceMs,
      });
    const { credentials } = saved;
    const email = readClaims(saved.file.tokens.id_token ?? "").email;
    io.out("");
    io.out(
      `Signed in with ChatGPT${email ? ` as ${email}` : ""} (plan ${
        credentials.planType ?? "unknown"
      }, account ${shortAccount(credentials.accountId)}).`,
    );
    io.out(`Wrote ${saved.path}. codexgate (and the Codex CLI, if it uses this file) now use it;`);
    io.out("check with: codexgate auth status");
    return 0;
  } catch (err) {
    if (err instanceof LoginError) {
      io.err(`codexgate login: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof ProxyError || err instanceof Deno.errors.PermissionDenied) {
      io.err(`codexgate login: ${err.message.split("\n")[0]}`);
      return 1;
    }
    io.err(`codexgate login: could not save the sign-in: ${(err as Error).message.split("\n")[0]}`);
    return 1;
  } finally {
    clearTimeout(timer);
  }
}
