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
import { loadConfig } from "./src/config/load_config.ts";
import { ConfigError } from "./src/errors.ts";
import { bindRefusal, bindWarning } from "./src/http/bind_guard.ts";
import { installGracefulShutdown } from "./src/http/graceful_shutdown.ts";
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
  if (command.kind === "subcommand" && command.name === "auth" && command.args[0] === "status") {
    return await runAuthStatus(command.args.slice(1), Deno.env.toObject(), {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  }
  if (command.kind === "subcommand") {
    console.error(`codexgate: ${command.name}: not available yet`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({
      path: command.config,
      env: Deno.env.toObject(),
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
  const openBind = bindWarning(config.server);
  if (openBind) logger.warn(openBind);
  const authNotes = await describeAuthStartup(config, {
    env: Deno.env.toObject(),
    platform: Deno.build.os,
  });
  for (const note of authNotes) logger[note.level](note.message, note.fields);
  const handler = createHandler({ config, env: Deno.env.toObject(), logger });
  const server = Deno.serve({
    hostname: config.server.host,
    port: config.server.port,
    onListen: ({ hostname, port }) =>
      logger.info("codexgate listening", {
        url: `http://${hostname}:${port}`,
        version: VERSION,
        config: config.source,
      }),
  }, handler);
  installGracefulShutdown(server, {
    graceMs: config.server.shutdown_grace_seconds * 1000,
    logger,
  });
  await server.finished;
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
