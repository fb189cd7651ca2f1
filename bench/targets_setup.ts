/**
 * Starts the three processes of a bench run, each a real subprocess on
 * 127.0.0.1: the bench upstream, codexgate (`deno run -A main.ts`) in front of
 * it with a throwaway CODEX_HOME, and nginx (see nginx_process.ts).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { authJson, makeTokenSet, type TokenSet } from "../tests/support/tokens.ts";
import { type Child, freePort, spawnChild } from "./child_process.ts";

/** Path to the repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO_JSON = join(ROOT, "deno.json");

/** Credentials shared by codexgate (auth.json) and the upstream (which checks them). */
export interface BenchAuth {
  tokens: TokenSet;
  codexHome: string;
}

/** Writes a valid auth.json into a fresh temp CODEX_HOME. */
export async function prepareAuth(): Promise<BenchAuth> {
  const tokens = makeTokenSet();
  const codexHome = await Deno.makeTempDir({ prefix: "codexgate-bench-" });
  await Deno.writeTextFile(join(codexHome, "auth.json"), authJson(tokens), { mode: 0o600 });
  return { tokens, codexHome };
}

/** A started upstream. */
export interface UpstreamChild extends Child {
  origin: string;
  /** Base URL as codexgate wants it (OPENAI_API_BASE_URL). */
  baseUrl: string;
}

/** Starts bench/upstream.ts as a subprocess. */
export async function startUpstreamChild(auth: BenchAuth): Promise<UpstreamChild> {
  const port = freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = await spawnChild({
    command: Deno.execPath(),
    args: [
      "run",
      "--config",
      DENO_JSON,
      "-A",
      join(ROOT, "bench/upstream.ts"),
      "--port",
      String(port),
    ],
    env: { BENCH_ACCESS_TOKEN: auth.tokens.access_token, BENCH_ACCOUNT_ID: auth.tokens.account_id },
    readyUrl: `${origin}/health`,
  });
  return { ...child, origin, baseUrl: `${origin}/backend-api/codex` };
}

/** A started codexgate. */
export interface CodexgateChild extends Child {
  url: string;
}

/**
 * Starts codexgate exactly as a user would (`deno run -A main.ts --port N`),
 * pointed at the upstream; ready when `/health` answers.
 */
export async function startCodexgate(
  auth: BenchAuth,
  upstream: UpstreamChild,
): Promise<CodexgateChild> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnChild({
    command: Deno.execPath(),
    args: ["run", "--config", DENO_JSON, "-A", join(ROOT, "main.ts"), "--port", String(port)],
    // cwd is the temp CODEX_HOME, so no ./config.yaml of the developer is picked up.
    cwd: auth.codexHome,
    env: {
      CODEX_HOME: auth.codexHome,
      OPENAI_API_BASE_URL: upstream.baseUrl,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${upstream.origin}/oauth/token`,
    },
    readyUrl: `${url}/health`,
  });
  return { ...child, url };
}
