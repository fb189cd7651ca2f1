/**
 * codexgate's entry point: parses the command line, loads the config and
 * serves the app. Everything else lives in src/.
 *
 * Only what serving needs is imported up front: the config file loader (YAML
 * and zod) and the subcommands are imported when they are used
 * (docs/operations.md#startup).
 *
 * @module
 */
import { createHandler } from "./src/app.ts";
import { type CliCommand, parseCli, UsageError } from "./src/cli/parse_cli.ts";
import { readProcessEnv } from "./src/cli/process_env.ts";
import { DEFAULT_CONFIG_FILE, defaultConfig } from "./src/config/defaults.ts";
import { resolveConfig, type ResolvedConfig } from "./src/config/resolve_config.ts";
import { ConfigError } from "./src/errors.ts";
import { bindRefusal, bindWarning } from "./src/http/bind_guard.ts";
import { installGracefulShutdown } from "./src/http/graceful_shutdown.ts";
import { keepServingOnStrayErrors } from "./src/http/keep_serving.ts";
import { serveOnError } from "./src/http/serve_on_error.ts";
import { serveRelistening } from "./src/http/serve_relistening.ts";
import { OpenSockets } from "./src/http/open_sockets.ts";
import { createLogger } from "./src/log.ts";
import { VERSION } from "./src/version.ts";

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCli(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`codexgate: ${err.message} (see codexgate --help)`);
      return 2;
    }
    throw err;
  }
  if (command.kind === "help") {
    const { helpText } = await import("./src/cli/help_text.ts");
    console.log(helpText(VERSION));
    return 0;
  }
  if (command.kind === "version") {
    console.log(`codexgate ${VERSION}`);
    return 0;
  }
  const env = readProcessEnv();
  if (command.kind === "subcommand") return await runSubcommand(command.name, command.args, env);
  let config;
  try {
    config = await readConfig(command, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`codexgate: ${err.message}`);
      return 1;
    }
    throw err;
  }
  const refusal = bindRefusal(config.server);
  if (refusal) {
    console.error(`codexgate: ${refusal}`);
    return 1;
  }
  const logger = createLogger(config.log_level);
  keepServingOnStrayErrors(logger);
  const openBind = bindWarning(config.server);
  if (openBind) logger.warn(openBind);
  // Read while the server starts, not before: /health answers without waiting for auth.json.
  const authNotes = import("./src/auth/describe_auth_startup.ts").then(({ describeAuthStartup }) =>
    describeAuthStartup(config, { env, platform: Deno.build.os })
  ).catch((err) => [{
    level: "warn" as const,
    message: "could not look at the sign-in at start",
    fields: { error: err instanceof Error ? err.message : String(err) },
  }]);
  const stopping = new AbortController();
  const sockets = new OpenSockets();
  const handler = createHandler({
    config,
    env,
    logger,
    shutdown: stopping.signal,
    sockets,
    background: true,
  });
  let server;
  try {
    server = serveRelistening(
      {
        hostname: config.server.host,
        port: config.server.port,
        onError: serveOnError(logger),
        onListen: ({ hostname, port }) =>
          logger.info("codexgate listening", {
            url: `http://${hostname}:${port}`,
            version: VERSION,
            config: config.source,
          }),
      },
      handler,
      logger,
    );
  } catch (err) {
    // A port in use or not allowed: one line and a failing exit, like any other start error.
    const reason = err instanceof Error ? err.message : String(err);
    console.error(
      `codexgate: cannot listen on ${config.server.host}:${config.server.port}: ${reason}`,
    );
    return 1;
  }
  installGracefulShutdown(server, {
    graceMs: config.server.shutdown_grace_seconds * 1000,
    logger,
    onStopping: () => {
      stopping.abort();
      return sockets.settled();
    },
  });
  for (const note of await authNotes) logger[note.level](note.message, note.fields);
  await server.finished;
  return 0;
}

/**
 * The config: the embedded defaults when there is no config file, else the
 * file, parsed and validated (which loads the YAML parser and zod); then env
 * and flags either way.
 *
 * @throws {ConfigError} on a missing explicit file or invalid content.
 */
async function readConfig(
  command: Extract<CliCommand, { kind: "serve" }>,
  env: Record<string, string>,
): Promise<ResolvedConfig> {
  const flags = {
    host: command.host,
    port: command.port,
    logLevel: command.logLevel,
    allowUnauthenticated: command.allowUnauthenticated,
  };
  if (command.config === undefined && !exists(DEFAULT_CONFIG_FILE)) {
    return resolveConfig(defaultConfig(), { env, flags, source: "embedded defaults" });
  }
  const { loadConfig } = await import("./src/config/load_config.ts");
  return loadConfig({ path: command.config, env, flags });
}

/** Whether something is at `path`; a file that cannot be read is left to the loader to report. */
function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (err) {
    return !(err instanceof Deno.errors.NotFound);
  }
}

/** Dispatches `codexgate <name> …` (parse_cli.ts lists the names), loading only that command. */
async function runSubcommand(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  const { consoleIo } = await import("./src/cli/cli_io.ts");
  switch (name) {
    case "init": {
      const { runInit } = await import("./src/cli/init.ts");
      return await runInit(args, { io: consoleIo });
    }
    case "doctor": {
      const { runDoctor } = await import("./src/cli/doctor.ts");
      return await runDoctor(args, { io: consoleIo, env });
    }
    case "login": {
      const { runLogin } = await import("./src/cli/login.ts");
      return await withCtrlC((signal) => runLogin(args, { io: consoleIo, env, signal }));
    }
    case "logout": {
      const { runLogout } = await import("./src/cli/logout.ts");
      return await runLogout(args, { io: consoleIo, env });
    }
    case "usage": {
      const { runUsage } = await import("./src/cli/usage.ts");
      return await runUsage(args, { io: consoleIo, env });
    }
    case "accounts": {
      const { runAccounts } = await import("./src/cli/accounts.ts");
      return await runAccounts(args, { io: consoleIo, env });
    }
    case "auth":
      if (args[0] === "status") {
        const { runAuthStatus } = await import("./src/cli/auth_status.ts");
        return await runAuthStatus(args.slice(1), env, consoleIo);
      }
      console.error("codexgate auth: expected `codexgate auth status` (see codexgate --help)");
      return 2;
  }
  console.error(`codexgate: ${name}: unknown subcommand (see codexgate --help)`);
  return 2;
}

/** Runs `fn` with a signal that Ctrl-C aborts, instead of killing the process mid-way. */
async function withCtrlC(fn: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const { CANCELLED_EXIT_CODE, LoginError } = await import("./src/login/login_error.ts");
  const controller = new AbortController();
  const onSignal = () =>
    controller.abort(
      new LoginError("cancelled (Ctrl-C); nothing was written", CANCELLED_EXIT_CODE),
    );
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
