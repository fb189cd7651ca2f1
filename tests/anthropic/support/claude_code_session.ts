/**
 * Runs inside a loopback-only network namespace (started by
 * claude_code_cli_test.ts): starts the fake backend, codexgate and a sinkhole
 * HTTP proxy, runs the real Claude Code CLI in print mode against codexgate,
 * and prints one JSON report line on stdout.
 *
 * Usage: deno run -A claude_code_session.ts <claude binary> <text|tool> <prompt>
 *
 * Scenario `text`: the main turn answers {@link FAKE_ANSWER}. Scenario `tool`:
 * the main turn first calls Claude Code's `Bash` tool with {@link TOOL_COMMAND},
 * then answers `Tool said: <the tool's output>`.
 *
 * @module
 */
import { join } from "node:path";
import { ScriptBuilder } from "../../support/fake_script.ts";
import { startProxy } from "../../support/harness.ts";

/** The fake's answer to the main conversation turn. */
export const FAKE_ANSWER = "The fake Codex backend says: codexgate works.";

/** One request the CLI sent. */
export interface ClientRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

/** The shell command the `tool` scenario has Claude Code run. */
export const TOOL_COMMAND = "echo codexgate-tool-ok";

/** The encrypted reasoning the `tool` scenario's first answer carries. */
export const REASONING_SIGNATURE = "gAAAA-claude-code-reasoning";

/** What the session reports to the outer test. */
export interface SessionReport {
  code: number;
  stdout: string;
  stderr: string;
  /** Every upstream body the fake received. */
  upstream: Record<string, unknown>[];
  /** Requests the CLI sent to codexgate: method, path, headers and body. */
  clientRequests: ClientRequest[];
  /** Hosts the CLI tried to reach through the sinkhole proxy. */
  sinkholed: string[];
}

async function main(): Promise<void> {
  const [binary, scenario, prompt] = Deno.args;
  const sinkholed: string[] = [];
  // Second guard behind the namespace: a proxy that refuses everything and notes the target.
  const sinkhole = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    sinkholed.push(request.method === "CONNECT" ? request.url : new URL(request.url).host);
    return new Response("sinkhole", { status: 403 });
  });
  await using proxy = await startProxy();
  // A recording door in front of codexgate: what the CLI sends, exactly.
  const clientRequests: ClientRequest[] = [];
  const door = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const text = request.method === "POST" ? await request.text() : "";
    let body: Record<string, unknown> | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    clientRequests.push({
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body,
    });
    const headers = new Headers(request.headers);
    headers.delete("host");
    headers.delete("content-length");
    return await fetch(`${proxy.url}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: request.method === "POST" ? text : undefined,
    });
  });
  proxy.fake.respond((request) => {
    const body = request.body ?? {};
    const builder = new ScriptBuilder({ model: String(body.model) });
    const tools = Array.isArray(body.tools) ? body.tools.length : 0;
    const input = (body.input ?? []) as Record<string, unknown>[];
    // Claude Code puts a system reminder after a tool result, so look for the output itself.
    const output = input.findLast((i) => i.type === "function_call_output");
    // The main turn carries Claude Code's tools; side requests (titles, topics) carry none.
    if (tools === 0) return { kind: "events", events: builder.text("codexgate test").completed() };
    if (scenario === "tool" && !output) {
      const args = JSON.stringify({ command: TOOL_COMMAND, description: "Print a marker" });
      // Reasoning first: Claude Code must hand its signature back on the next turn.
      builder.reasoning(["I will run the marker command."], { encrypted: REASONING_SIGNATURE });
      return {
        kind: "events",
        events: builder.toolCall("Bash", args, { fragments: 4 }).completed(),
      };
    }
    if (output) {
      const text = typeof output.output === "string"
        ? output.output
        : JSON.stringify(output.output);
      return { kind: "events", events: builder.text(`Tool said: ${text.trim()}`).completed() };
    }
    return { kind: "events", events: builder.text(FAKE_ANSWER).completed() };
  });
  const home = await Deno.makeTempDir({ prefix: "claude-home-" });
  const work = join(home, "work");
  await Deno.mkdir(work);
  const sinkholeUrl = `http://127.0.0.1:${sinkhole.addr.port}`;
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    CLAUDE_CONFIG_DIR: join(home, ".claude"),
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${door.addr.port}`,
    ANTHROPIC_AUTH_TOKEN: "codexgate-local",
    ANTHROPIC_MODEL: "claude-sonnet-5",
    ANTHROPIC_SMALL_FAST_MODEL: "claude-haiku-4-5",
    ANTHROPIC_DEFAULT_HAIKU_MODEL: "claude-haiku-4-5",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    HTTP_PROXY: sinkholeUrl,
    HTTPS_PROXY: sinkholeUrl,
    http_proxy: sinkholeUrl,
    https_proxy: sinkholeUrl,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    TERM: "dumb",
    CI: "1",
  };
  const child = new Deno.Command(binary, {
    args: ["-p", prompt, "--output-format", "text", "--allowedTools", `Bash(${TOOL_COMMAND})`],
    cwd: work,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  const result = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  const report: SessionReport = {
    code: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr).slice(-4000),
    upstream: proxy.fake.calls.map((c) => c.body ?? {}),
    clientRequests,
    sinkholed,
  };
  await sinkhole.shutdown();
  await door.shutdown();
  await Deno.remove(home, { recursive: true }).catch(() => {});
  console.log(JSON.stringify(report));
}

if (import.meta.main) await main();
