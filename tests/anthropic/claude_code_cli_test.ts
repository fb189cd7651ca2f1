/**
 * The real Claude Code CLI (`@anthropic-ai/claude-code`, pinned) in print
 * mode against codexgate + the fake backend, inside a loopback-only network
 * namespace with a sinkhole HTTP proxy as a second guard. The CLI is installed
 * with npm (outside the namespace) into
 * `~/.cache/codexgate-test/claude-code-<version>` (or
 * `$CODEXGATE_CLAUDE_CODE_DIR`); `CLAUDE_CODE_BIN` points at another build.
 * Skips, saying why, when it cannot be installed or `unshare -n` is not allowed.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import {
  FAKE_ANSWER,
  REASONING_SIGNATURE,
  type SessionReport,
  TOOL_COMMAND,
} from "./support/claude_code_session.ts";

/** The Claude Code version these tests are pinned to. */
export const CLAUDE_CODE_VERSION = "2.1.332";
const cliDir = Deno.env.get("CODEXGATE_CLAUDE_CODE_DIR") ??
  join(
    Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/tmp", ".cache"),
    "codexgate-test",
    `claude-code-${CLAUDE_CODE_VERSION}`,
  );
const SESSION = join(import.meta.dirname!, "support", "claude_code_session.ts");

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; text: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: out.success, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
  } catch (err) {
    return { ok: false, text: String(err) };
  }
}

/** The wrapper's bin (after its postinstall), else the platform package's native binary. */
async function installedBinary(): Promise<string | undefined> {
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "x64";
  const candidates = [
    join(cliDir, "node_modules", ".bin", "claude"),
    join(cliDir, "node_modules", "@anthropic-ai", `claude-code-${Deno.build.os}-${arch}`, "claude"),
  ];
  for (const bin of candidates) {
    const version = await run(bin, ["--version"]);
    if (version.ok && version.text.includes(CLAUDE_CODE_VERSION)) return bin;
  }
  return undefined;
}

/** Installs the pinned CLI (outside any namespace); the binary, or why it cannot run. */
async function prepare(): Promise<{ bin?: string; skip?: string }> {
  const ns = await run("unshare", ["-n", "sh", "-c", "ip link set lo up && true"]);
  if (!ns.ok) return { skip: `unshare -n is not available here (${ns.text.trim().slice(0, 200)})` };
  const override = Deno.env.get("CLAUDE_CODE_BIN");
  if (override) {
    const works = await run(override, ["--version"]);
    return works.ok ? { bin: override } : { skip: `CLAUDE_CODE_BIN=${override} does not run` };
  }
  const ready = await installedBinary();
  if (ready) return { bin: ready };
  try {
    await Deno.mkdir(cliDir, { recursive: true });
  } catch (err) {
    return { skip: `cannot create ${cliDir} for Claude Code: ${err}` };
  }
  const pkg = `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`;
  const install = await run("npm", ["install", "--no-audit", "--no-fund", "--prefix", cliDir, pkg]);
  if (!install.ok) return { skip: `npm install ${pkg} failed: ${install.text.slice(-300)}` };
  const bin = await installedBinary();
  return bin ? { bin } : { skip: `the installed Claude Code does not run (${cliDir})` };
}

const { bin, skip } = await prepare();
if (skip) console.warn(`\n⚠ SKIPPING the real Claude Code CLI tests: ${skip}\n`);

async function session(scenario: "text" | "tool", prompt: string): Promise<SessionReport> {
  const inner = `ip link set lo up && exec "${Deno.execPath()}" run -A "${SESSION}" "$0" "$1" "$2"`;
  const out = await new Deno.Command("unshare", {
    args: ["-n", "sh", "-c", inner, bin!, scenario, prompt],
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
    const use = (call.content as Record<string, unknown>[]).find((b) => b.type === "tool_use")!;
    assertEquals((use.input as Record<string, string>).command, TOOL_COMMAND);
    const upstream = report.upstream.find((b) =>
      (b.input as { type: string }[]).some((i) => i.type === "function_call_output")
    )!;
    const output = (upstream.input as Record<string, unknown>[]).find((i) =>
      i.type === "function_call_output"
    )!;
    assertStringIncludes(String(output.output), "codexgate-tool-ok");
    // The thinking block Claude Code got (signature = encrypted reasoning) came back as reasoning.
    const thinking = (call.content as Record<string, unknown>[]).find((b) => b.type === "thinking");
    assertEquals(thinking?.signature, REASONING_SIGNATURE);
    const reasoning = (upstream.input as Record<string, unknown>[]).find((i) =>
      i.type === "reasoning"
    );
    assertEquals(reasoning?.encrypted_content, REASONING_SIGNATURE);
  },
});
