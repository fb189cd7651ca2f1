/**
 * The real Claude Code CLI (`@anthropic-ai/claude-code`, pinned below) in
 * print mode against codexgate + the fake backend, inside a loopback-only
 * network namespace with a sinkhole HTTP proxy as a second guard.
 *
 * Install it before running (it is not fetched by the tests):
 * `sh tests/anthropic/install_claude_code.sh` (or set CLAUDE_CODE_BIN).
 * Skipped, with the reason printed, when the CLI or `unshare` is missing.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { FAKE_ANSWER, type SessionReport, TOOL_COMMAND } from "./support/claude_code_session.ts";

/** The Claude Code version these tests were written against. */
export const CLAUDE_CODE_VERSION = "2.1.332";
const DEFAULT_BIN = "/opt/claude-code/node_modules/.bin/claude";
const SESSION = join(import.meta.dirname!, "support", "claude_code_session.ts");

async function works(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

async function findClaude(): Promise<{ bin?: string; why?: string; version?: string }> {
  const candidates = [Deno.env.get("CLAUDE_CODE_BIN"), DEFAULT_BIN, "claude"].filter(
    (c): c is string => !!c,
  );
  for (const bin of candidates) {
    const version = await works(bin, ["--version"]);
    if (version) return { bin, version };
  }
  return {
    why: `Claude Code CLI not found (tried ${
      candidates.join(", ")
    }); install it with sh tests/anthropic/install_claude_code.sh`,
  };
}

const claude = await findClaude();
const unshareOk = (await works("unshare", ["-n", "true"])) !== undefined;
const skip = claude.why ?? (unshareOk ? undefined : "`unshare -n` is not available (needs root)");
if (skip) console.warn(`SKIPPED: Claude Code CLI tests: ${skip}`);
else if (!claude.version!.startsWith(CLAUDE_CODE_VERSION)) {
  console.warn(
    `note: Claude Code is ${claude.version}; tests are pinned to ${CLAUDE_CODE_VERSION}`,
  );
}

async function session(scenario: "text" | "tool", prompt: string): Promise<SessionReport> {
  const inner = `ip link set lo up && exec "${Deno.execPath()}" run -A "${SESSION}" "$0" "$1" "$2"`;
  const out = await new Deno.Command("unshare", {
    args: ["-n", "sh", "-c", inner, claude.bin!, scenario, prompt],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  assert(out.success, `session failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
  return JSON.parse(stdout.split("\n").at(-1)!) as SessionReport;
}

Deno.test({
  name: `claude code: \`claude -p\` prints the fake's answer through codexgate${
    skip ? ` (skipped: ${skip})` : ""
  }`,
  ignore: skip !== undefined,
  async fn() {
    const report = await session("text", "Say hello");
    assertEquals(report.code, 0, report.stderr);
    assertEquals(report.stdout.trim(), FAKE_ANSWER);
    // Nothing tried to leave through the proxy sinkhole.
    assertEquals(report.sinkholed, []);

    const main = report.clientRequests.find((r) =>
      r.path === "/v1/messages" && Array.isArray(r.body?.tools) && r.body.tools.length > 0
    )!;
    assert(main, "Claude Code sent its main turn to /v1/messages");
    assertEquals(main.headers["authorization"], "Bearer codexgate-local");
    assertEquals(main.body!.model, "claude-sonnet-5");
    assertEquals(main.body!.stream, true);

    const upstream = report.upstream.find((b) => Array.isArray(b.tools) && b.tools.length > 0)!;
    assertEquals(upstream.model, "gpt-5.4");
    const names = (upstream.tools as { name: string }[]).map((t) => t.name);
    assert(names.includes("Bash"), names.join(","));
    assert(!names.includes("DeferredToolPlaceholder"), "deferred tools stay back");
    // One Claude Code session, one upstream conversation.
    assertEquals(upstream.prompt_cache_key, main.headers["x-claude-code-session-id"]);
    // Claude Code's in-conversation system messages arrive as developer messages.
    const roles = (upstream.input as { type: string; role?: string }[])
      .filter((i) => i.type === "message").map((i) => i.role);
    assertEquals(roles, ["developer", "user", "developer"]);
    for (const body of report.upstream) assert(!("max_tokens" in body) && !("metadata" in body));
  },
});

Deno.test({
  name: `claude code: a Bash tool call round trip through codexgate${
    skip ? ` (skipped: ${skip})` : ""
  }`,
  ignore: skip !== undefined,
  async fn() {
    const report = await session("tool", "Run the marker command");
    assertEquals(report.code, 0, report.stderr);
    assertEquals(report.stdout.trim(), "Tool said: codexgate-tool-ok");
    assertEquals(report.sinkholed, []);
    const withResult = report.clientRequests.find((r) =>
      JSON.stringify(r.body?.messages ?? []).includes('"tool_result"')
    )!;
    assert(withResult, "Claude Code sent the tool result back");
    const messages = withResult.body!.messages as { role: string; content: unknown }[];
    const call = messages.find((m) => m.role === "assistant")!;
    assertEquals((call.content as Record<string, unknown>[])[0].type, "tool_use");
    assertEquals(
      ((call.content as Record<string, unknown>[])[0].input as Record<string, string>).command,
      TOOL_COMMAND,
    );
    const upstream = report.upstream.find((b) =>
      (b.input as { type: string }[]).some((i) => i.type === "function_call_output")
    )!;
    const output = (upstream.input as Record<string, unknown>[]).find((i) =>
      i.type === "function_call_output"
    )!;
    assertStringIncludes(String(output.output), "codexgate-tool-ok");
  },
});
