/**
 * A flood of slow clients against a real codexgate (main.ts), on loopback
 * only, printing its resident memory before, during and after. Manual, Linux
 * (/proc), not part of `deno task test` or `deno task bench`:
 *
 *   deno run -A bench/slow_clients.ts [body|headers|both] [clients] [seconds]
 *
 * `body`: each client sends its headers and starts a chunked body, then one
 * more byte every 10 s (a trickle; codexgate's body deadlines end it).
 * `headers`: each client sends part of its headers, then one more byte every
 * 10 s (Deno.serve never ends these; docs/security.md). The clients keep
 * going for `seconds` (default 130), then all close. The backend URLs point
 * at a closed loopback port: no request ever leaves the machine.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { memoryKiB } from "./proc_stats.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const [mode = "body", clientsText = "2000", secondsText = "130"] = Deno.args;
const clients = Number(clientsText);
const seconds = Number(secondsText);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const encoder = new TextEncoder();

const home = await Deno.makeTempDir({ prefix: "codexgate-slow-clients-" });
await Deno.writeTextFile(join(home, "auth.json"), JSON.stringify({ tokens: fakeTokens() }));
const port = freePort();
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--config",
    join(ROOT, "deno.json"),
    "-A",
    join(ROOT, "main.ts"),
    "--port",
    `${port}`,
    "--log-level",
    "warn",
  ],
  env: {
    HOME: home,
    CODEX_HOME: home,
    OPENAI_API_BASE_URL: "http://127.0.0.1:9/backend-api/codex",
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: "http://127.0.0.1:9/oauth/token",
    PATH: Deno.env.get("PATH") ?? "",
    // DENO_DIR (the module cache) and glibc's MALLOC_* tunables pass through.
    ...Object.fromEntries(
      Object.entries(Deno.env.toObject()).filter(([k]) =>
        k === "DENO_DIR" || k.startsWith("MALLOC_")
      ),
    ),
  },
  stdin: "null",
  stdout: "null",
  stderr: "null",
}).spawn();
const url = `http://127.0.0.1:${port}`;
try {
  await waitForHealth(url);
  const rss = () => `${Math.round(memoryKiB(child.pid).rss / 1024)} MB`;
  for (let i = 0; i < 20; i++) await (await fetch(`${url}/health`)).body?.cancel();
  await sleep(2000);
  console.log(`before: rss ${rss()}`);

  const conns: Deno.Conn[] = [];
  /** The byte each client sends next: one more header byte, or one more body chunk. */
  const nextBytes: Uint8Array[] = [];
  let closedByServer = 0;
  for (let i = 0; i < clients; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const headersOnly = mode === "headers" || (mode === "both" && i % 2 === 1);
    await conn.write(encoder.encode(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n` +
        `content-type: application/json\r\n` +
        (headersOnly ? "x-slow: " : "transfer-encoding: chunked\r\n\r\n1\r\n{\r\n"),
    ));
    conns.push(conn);
    (async () => {
      const buf = new Uint8Array(4096);
      try {
        while ((await conn.read(buf)) !== null) { /* answers are dropped */ }
      } catch { /* closed */ }
      closedByServer++;
    })();
    nextBytes.push(encoder.encode(headersOnly ? "x" : "1\r\n \r\n"));
  }
  console.log(`opened ${clients} ${mode} clients`);
  const trickle = setInterval(() => {
    conns.forEach((conn, i) => conn.write(nextBytes[i]).catch(() => {}));
  }, 10_000);
  for (let t = 10; t <= seconds; t += 30) {
    await sleep(t === 10 ? 10_000 : 30_000);
    console.log(`during, ${t} s: rss ${rss()}, connections closed by codexgate: ${closedByServer}`);
  }
  clearInterval(trickle);
  for (const conn of conns) {
    try {
      conn.close();
    } catch { /* closed already */ }
  }
  for (const wait of [10, 60]) {
    await sleep(wait === 10 ? 10_000 : 50_000);
    console.log(`after, +${wait} s: rss ${rss()}`);
  }
  const health = await fetch(`${url}/health`);
  await health.body?.cancel();
  console.log(`still serving: /health ${health.status}`);
} finally {
  child.kill("SIGKILL");
  await child.status;
  await Deno.remove(home, { recursive: true });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  throw new Error("codexgate did not start");
}

/** A sign-in that parses (unsigned JWTs); nothing here ever reaches a real backend. */
function fakeTokens(): Record<string, string> {
  const b64 = (v: unknown) =>
    btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const auth = { chatgpt_account_id: "acct-slow-clients", chatgpt_plan_type: "plus" };
  const jwt = b64({ alg: "none" }) + "." +
    b64({ exp: Math.floor(Date.now() / 1000) + 86400, "https://api.openai.com/auth": auth }) +
    ".c2ln";
  return {
    id_token: jwt,
    access_token: jwt,
    refresh_token: "rt_slow_clients",
    account_id: auth.chatgpt_account_id,
  };
}
