/**
 * Runs inside a loopback-only network namespace (started by
 * codex_cli_usage_test.ts): codexgate in front of the fake backend, and the
 * real Codex CLI's app server signed in with ChatGPT and pointed at codexgate
 * (`chatgpt_base_url`), asked for the plan's limits over its stdio JSON-RPC
 * (`account/rateLimits/read`, what its status views use). Once with a base
 * URL containing `/backend-api` (the CLI asks `…/wham/usage`), once without
 * (`…/api/codex/usage`). Prints one JSON report on stdout.
 *
 * Usage: deno run -A codex_cli_usage.netns.ts <codex binary>
 *
 * @module
 */
import { join } from "node:path";
import { startProxy } from "../support/harness.ts";

/** One base URL's outcome. */
export interface UsageRun {
  baseUrl: string;
  /** The JSON-RPC answer to `account/rateLimits/read` (result or error). */
  answer: Record<string, unknown> | undefined;
  /** Paths codexgate logged a request for. */
  paths: string[];
  stderrTail: string;
}

async function askLimits(codexBin: string, home: string, chatgptBaseUrl: string) {
  const child = new Deno.Command(codexBin, {
    args: ["app-server", "-c", `chatgpt_base_url="${chatgptBaseUrl}"`],
    cwd: home,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: home,
      CODEX_HOME: home,
      RUST_LOG: "error",
    },
  }).spawn();
  const writer = child.stdin.getWriter();
  const send = (msg: Record<string, unknown>) =>
    writer.write(new TextEncoder().encode(JSON.stringify(msg) + "\n"));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  let answer: Record<string, unknown> | undefined;
  const reading = (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line);
        if (msg.id === 1) {
          await send({ method: "initialized", params: {} });
          await send({ id: 2, method: "account/rateLimits/read" });
        }
        if (msg.id === 2) {
          answer = msg;
          return;
        }
      }
    }
  })();
  await send({
    id: 1,
    method: "initialize",
    params: { clientInfo: { name: "codexgate-test", version: "1.0.0" } },
  });
  await reading;
  clearTimeout(timer);
  await writer.close().catch(() => {});
  child.kill("SIGTERM");
  const out = await child.output().catch(() => undefined);
  const stderrTail = out ? new TextDecoder().decode(out.stderr).slice(-1500) : "";
  return { answer, stderrTail };
}

async function main(codexBin: string): Promise<UsageRun[]> {
  await using proxy = await startProxy();
  const runs: UsageRun[] = [];
  for (const base of [`${proxy.url}/backend-api/`, `${proxy.url}/`]) {
    const home = await Deno.makeTempDir({ prefix: "codexgate-cli-usage-" });
    // The CLI signed in with the same ChatGPT account codexgate uses.
    await Deno.copyFile(join(proxy.codexHome, "auth.json"), join(home, "auth.json"));
    const before = proxy.logs.length;
    const { answer, stderrTail } = await askLimits(codexBin, home, base);
    const paths = proxy.logs.slice(before).flatMap((l) => {
      const entry = JSON.parse(l);
      return entry.msg === "request" || entry.message === "request" ? [entry.path] : [];
    });
    runs.push({ baseUrl: base.replace(proxy.url, ""), answer, paths, stderrTail });
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
  return runs;
}

if (import.meta.main) {
  console.log(JSON.stringify(await main(Deno.args[0])));
}
