/**
 * codexgate's entry point: parses the command line, loads the config and
 * serves the app. Everything else lives in src/.
 *
 * @module
 */
import { createHandler } from "./src/app.ts";
import { describeAuthStartup } from "./src/auth/describe_auth_startup.ts";
import { runAuthStatus } from "./src/cli/auth_status.ts";
import { helpText } from "./src/cli/help_text.ts";
import { parseCli, UsageError } from "./src/cli/parse_cli.ts";
import { consoleIo } from "./src/cli/cli_io.ts";
import { runDoctor } from "./src/cli/doctor.ts";
import { runInit } from "./src/cli/init.ts";
import { runAccounts } from "./src/cli/accounts.ts";
import { runLogin } from "./src/cli/login.ts";
import { runLogout } from "./src/cli/logout.ts";
import { runUsage } from "./src/cli/usage.ts";
import { CANCELLED_EXIT_CODE, LoginError } from "./src/login/login_error.ts";
import { readProcessEnv } from "./src/cli/process_env.ts";
import { loadConfig } from "./src/config/load_config.ts";
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
    config = loadConfig({
      path: command.config,
      env,
      flags: {
        host: command.host,
        port: command.port,
        logLevel: command.logLevel,
        allowUnauthenticated: command.allowUnauthenticated,
      },
    });
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
  const authNotes = await describeAuthStartup(config, {
    env,
    platform: Deno.build.os,
  });
  for (const note of authNotes) logger[note.level](note.message, note.fields);
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
  const server = serveRelistening(
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
  installGracefulShutdown(server, {
    graceMs: config.server.shutdown_grace_seconds * 1000,
    logger,
    onStopping: () => {
      stopping.abort();
      return sockets.settled();
    },
  });
  await server.finished;
  return 0;
}

/** Dispatches `codexgate <name> …` (parse_cli.ts lists the names). */
async function runSubcommand(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  switch (name) {
    case "init":
      return await runInit(args, { io: consoleIo });
    case "doctor":
      return await runDoctor(args, { io: consoleIo, env });
    case "login":
      return await withCtrlC((signal) => runLogin(args, { io: consoleIo, env, signal }));
    case "logout":
      return await runLogout(args, { io: consoleIo, env });
    case "usage":
      return await runUsage(args, { io: consoleIo, env });
    case "accounts":
      return await runAccounts(args, { io: consoleIo, env });
    case "auth":
      if (args[0] === "status") return await runAuthStatus(args.slice(1), env, consoleIo);
      console.error("codexgate auth: expected `codexgate auth status` (see codexgate --help)");
      return 2;
  }
  console.error(`codexgate: ${name}: unknown subcommand (see codexgate --help)`);
  return 2;
}

/** Runs `fn` with a signal that Ctrl-C aborts, instead of killing the process mid-way. */
async function withCtrlC(fn: (signal: AbortSignal) => Promise<number>): Promise<number> {
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
