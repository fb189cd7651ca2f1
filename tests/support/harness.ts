/**
 * Starts codexgate in-process on a real socket, in front of the fake backend,
 * with a throwaway CODEX_HOME holding a valid auth.json. Never touches the
 * real ~/.codex.
 *
 * @module
 */
import { join } from "node:path";
import { createHandler, type Handler } from "../../src/app.ts";
import {
  parseConfigText,
  resolveConfig,
  type ResolvedConfig,
} from "../../src/config/load_config.ts";
import { serveOnError } from "../../src/http/serve_on_error.ts";
import { createLogger } from "../../src/log.ts";
import { type FakeCodex, type FakeCodexOptions, startFakeCodex } from "./fake_codex.ts";
import { authJson, makeTokenSet, type TokenSet, type TokenSetOptions } from "./tokens.ts";

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** YAML config text (the fake's URLs are applied through env, as a user would). */
  configYaml?: string;
  fake?: FakeCodexOptions;
  tokens?: TokenSetOptions;
  /** Skip writing auth.json. */
  noAuthFile?: boolean;
  /** Extra env on top of CODEX_HOME/HOME and the URL overrides. */
  env?: Record<string, string>;
}

/** A running proxy + fake. */
export interface ProxyHarness extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` */
  url: string;
  fake: FakeCodex;
  codexHome: string;
  tokens: TokenSet;
  config: ResolvedConfig;
  handler: Handler;
  env: Record<string, string>;
  /** Every log line the proxy wrote. */
  logs: string[];
  close(): Promise<void>;
}

/** Every log line of every harness in this test process, for the no-secrets check. */
export const ALL_LOG_LINES: string[] = [];

/** Starts the fake and a proxy in front of it. */
export async function startProxy(options: ProxyOptions = {}): Promise<ProxyHarness> {
  const fake = await startFakeCodex(options.fake);
  const codexHome = await Deno.makeTempDir({ prefix: "codexgate-test-" });
  const tokens = makeTokenSet(options.tokens);
  fake.accept(tokens);
  if (!options.noAuthFile) {
    await Deno.writeTextFile(
      join(codexHome, "auth.json"),
      authJson(tokens, { keep_me: { nested: true } }),
      {
        mode: 0o600,
      },
    );
  }
  // The usage history goes beside, not into, the CODEX_HOME the tests look at.
  const dataHome = await Deno.makeTempDir({ prefix: "codexgate-test-data-" });
  const env: Record<string, string> = {
    XDG_DATA_HOME: dataHome,
    HOME: codexHome,
    CODEX_HOME: codexHome,
    OPENAI_API_BASE_URL: fake.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    ...options.env,
  };
  const config = resolveConfig(parseConfigText(options.configYaml ?? "{}", "test config"), {
    env,
    flags: { logLevel: "debug" },
    source: "test config",
  });
  const logs: string[] = [];
  const logger = createLogger("debug", (line) => {
    logs.push(line);
    ALL_LOG_LINES.push(line);
  });
  const handler = createHandler({ config, env, logger });
  const controller = new AbortController();
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    onError: serveOnError(logger),
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, handler);
  const addr = await promise;
  const close = async () => {
    controller.abort();
    await server.finished;
    await fake.close();
    await Deno.remove(codexHome, { recursive: true }).catch(() => {});
    await Deno.remove(dataHome, { recursive: true }).catch(() => {});
  };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    fake,
    codexHome,
    tokens,
    config,
    handler,
    env,
    logs,
    close,
    [Symbol.asyncDispose]: close,
  };
}
