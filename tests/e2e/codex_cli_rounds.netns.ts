/**
 * codexgate next to the REAL Codex CLI, sharing one CODEX_HOME (issue 4).
 * Runs only inside a loopback-only network namespace, started by
 * tests/e2e/auth_codex_cli_test.ts; it refuses to run anywhere else.
 *
 * Every round starts from an expired access token in auth.json, with the
 * fake backend + token endpoint and codexgate on 127.0.0.1, and the CLI
 * configured with a custom provider (`requires_openai_auth = true`) that
 * points at the fake and `CODEX_REFRESH_TOKEN_URL_OVERRIDE` at its token
 * endpoint. After each round auth.json must parse, be mode 0600 and hold the
 * newest token set, whose refresh token must still work (no token lost).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";
import { ALL_LOG_LINES, type ProxyHarness, startProxy } from "../support/harness.ts";
import type { RecordedRequest } from "../support/fake_codex.ts";
import type { TokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { DENO_JSON } from "../support/run_main.ts";
import { parseAuthFile } from "../../src/auth/auth_file.ts";

const CODEX = Deno.env.get("CODEXGATE_CODEX_BIN");
if (!CODEX || Deno.env.get("CODEXGATE_IN_NETNS") !== "1") {
  throw new Error("run through tests/e2e/auth_codex_cli_test.ts (needs the CLI and a netns)");
}
const HOLD_LOCK = fileURLToPath(new URL("../support/hold_auth_lock.ts", import.meta.url));

/** A local sinkhole: the second guard (after the namespace) against phoning home. */
function startSinkhole(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    try {
      for await (const conn of listener) conn.close();
    } catch { /* closed */ }
  })();
  return { port: (listener.addr as Deno.NetAddr).port, close: () => listener.close() };
}

interface Round extends AsyncDisposable {
  proxy: ProxyHarness;
  authPath: string;
  sinkPort: number;
}

async function startRound(tokenDelayMs = 0): Promise<Round> {
  const proxy = await startProxy({ tokens: { expiresIn: -60 }, fake: { tokenDelayMs } });
  rememberSecrets(proxy.tokens);
  const sink = startSinkhole();
  await Deno.writeTextFile(
    join(proxy.codexHome, "config.toml"),
    [
      'model = "gpt-5.4"',
      'model_provider = "fake_codex"',
      "check_for_update_on_startup = false",
      "[model_providers.fake_codex]",
      'name = "fake codex"',
      `base_url = "${proxy.fake.baseUrl}"`,
      'wire_api = "responses"',
      "requires_openai_auth = true",
      "",
    ].join("\n"),
  );
  return {
    proxy,
    authPath: join(proxy.codexHome, "auth.json"),
    sinkPort: sink.port,
    [Symbol.asyncDispose]: async () => {
      sink.close();
      rememberSecrets(...proxy.fake.issued);
      await proxy.close();
    },
  };
}

interface CodexRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `codex exec --skip-git-repo-check --json "<prompt>" < /dev/null` in the round's CODEX_HOME. */
async function runCodex(round: Round, prompt: string): Promise<CodexRun> {
  const proxyUrl = `http://127.0.0.1:${round.sinkPort}`;
  const out = await new Deno.Command(CODEX!, {
    args: ["exec", "--skip-git-repo-check", "--json", prompt],
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      CODEX_HOME: round.proxy.codexHome,
      HOME: round.proxy.codexHome,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: round.proxy.fake.tokenUrl,
      HTTP_PROXY: proxyUrl,
      HTTPS_PROXY: proxyUrl,
      http_proxy: proxyUrl,
      https_proxy: proxyUrl,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    },
    clearEnv: true,
    cwd: round.proxy.codexHome,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const run = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  return run;
}

function chat(round: Round, text: string): Promise<Response> {
  return fetch(`${round.proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: text }] }),
  });
}

/** Sends `n` requests through codexgate at once; all must succeed. */
async function burst(round: Round, n: number, label: string): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await chat(round, `${label} ${i}`);
      const body = await res.json();
      assertEquals(res.status, 200, JSON.stringify(body));
      assertEquals(body.choices[0].message.content, `Echo: ${label} ${i}`);
      return performance.now();
    }),
  );
  return answers;
}

const cliCalls = (round: Round): RecordedRequest[] =>
  round.proxy.fake.calls.filter((c) => c.headers["originator"] === "codex_exec");
const gateCalls = (round: Round): RecordedRequest[] =>
  round.proxy.fake.calls.filter((c) => c.headers["originator"] !== "codex_exec");
const bearer = (call: RecordedRequest) => call.headers["authorization"];

/** The CLI got past authentication with `tokens` (whatever the fake then said about its body). */
function assertCliAuthenticated(round: Round, run: CodexRun, tokens: TokenSet): void {
  const calls = cliCalls(round);
  assert(calls.length > 0, `the CLI sent no request:\n${run.stdout}\n${run.stderr}`);
  assertEquals(bearer(calls[calls.length - 1]), `Bearer ${tokens.access_token}`);
  assertEquals(calls[calls.length - 1].headers["chatgpt-account-id"], tokens.account_id);
  assert(
    !/\b401\b|unauthori[sz]ed|token_expired|refresh_token_reused|sign in again/i.test(run.stdout),
    `the CLI reports an auth failure:\n${run.stdout}`,
  );
}

async function waitFor(what: string, ready: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** auth.json is whole, 0600, holds `expected`, and its refresh token still works. */
async function assertNoTokenLost(round: Round, expected: TokenSet): Promise<void> {
  const text = await Deno.readTextFile(round.authPath);
  const file = parseAuthFile(text, round.authPath);
  assertEquals(file.tokens.access_token, expected.access_token);
  assertEquals(file.tokens.refresh_token, expected.refresh_token);
  assertEquals(file.tokens.id_token, expected.id_token);
  assertEquals((await Deno.stat(round.authPath)).mode! & 0o777, 0o600);
  const res = await fetch(round.proxy.fake.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: file.tokens.refresh_token,
    }),
  });
  assertEquals(res.status, 200, "the refresh token left in auth.json is spent");
  await res.body?.cancel();
}

Deno.test("cli round 1: another process holds auth.lock while it refreshes → codexgate waits and uses its tokens", async () => {
  await using round = await startRound();
  const { fake } = round.proxy;
  const holder = new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", DENO_JSON, "-A", HOLD_LOCK, round.authPath, fake.tokenUrl, "800"],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assertEquals((await lines.read()).value?.trim(), "locked");
  const requests = burst(round, 10, "round one");
  const written = lines.read().then(({ value }) => {
    assertEquals(value?.trim(), "written");
    return performance.now();
  });
  const [doneAt, writtenAt] = await Promise.all([requests, written]);
  await lines.cancel();
  assertEquals((await holder.status).code, 0);
  for (const t of doneAt) assert(t >= writtenAt, "a request finished before the lock holder wrote");
  assertEquals(fake.tokenCalls.length, 1); // the holder's refresh only
  const [theirs] = fake.issued;
  for (const call of gateCalls(round)) assertEquals(bearer(call), `Bearer ${theirs.access_token}`);
  const disk = JSON.parse(await Deno.readTextFile(round.authPath));
  assertEquals(disk.keep_me, { nested: true });

  const run = await runCodex(round, "round one");
  assertCliAuthenticated(round, run, theirs);
  assertEquals(fake.tokenCalls.length, 1);
  await assertNoTokenLost(round, theirs);
});

Deno.test("cli round 2: codexgate refreshes first, then `codex exec` finds and uses the new tokens", async () => {
  await using round = await startRound();
  const { fake } = round.proxy;
  await burst(round, 10, "round two");
  assertEquals(fake.tokenCalls.length, 1);
  const [ours] = fake.issued;
  const run = await runCodex(round, "round two");
  assertCliAuthenticated(round, run, ours);
  assertEquals(fake.tokenCalls.length, 1, "the CLI refreshed although codexgate just had");
  await assertNoTokenLost(round, ours);
});

Deno.test("cli round 3: `codex exec` refreshes first, then codexgate uses the CLI's tokens", async () => {
  await using round = await startRound();
  const { fake } = round.proxy;
  const run = await runCodex(round, "round three");
  assertEquals(fake.tokenCalls.length, 1, `the CLI did not refresh:\n${run.stdout}`);
  assertEquals(fake.tokenCalls[0].body?.refresh_token, round.proxy.tokens.refresh_token);
  const [theirs] = fake.issued;
  assertCliAuthenticated(round, run, theirs);
  await burst(round, 10, "round three");
  assertEquals(fake.tokenCalls.length, 1, "codexgate refreshed although the CLI just had");
  for (const call of gateCalls(round)) assertEquals(bearer(call), `Bearer ${theirs.access_token}`);
  await assertNoTokenLost(round, theirs);
});

Deno.test("cli round 4a: same instant, the CLI's refresh lands first → codexgate gets refresh_token_reused and adopts the CLI's tokens", async () => {
  await using round = await startRound(1500);
  const { fake } = round.proxy;
  const cli = runCodex(round, "round four a");
  // The CLI's refresh call is in flight at the token endpoint: now codexgate needs one too.
  await waitFor("the CLI's refresh call", () => fake.tokenCalls.length >= 1);
  await burst(round, 10, "round four a");
  const run = await cli;
  assertEquals(fake.tokenCalls.length, 2); // the CLI's, and codexgate's refused one
  assertEquals(fake.issued.length, 1);
  const [theirs] = fake.issued;
  for (const call of gateCalls(round)) assertEquals(bearer(call), `Bearer ${theirs.access_token}`);
  assert(round.proxy.logs.some((l) => l.includes("another program refreshed first")));
  assertCliAuthenticated(round, run, theirs);
  await assertNoTokenLost(round, theirs);
});

Deno.test("cli round 4b: same instant, codexgate's refresh lands first → the CLI gets refresh_token_reused; both end on codexgate's tokens", async () => {
  // Long enough that the CLI (slow to start) calls the token endpoint while codexgate's call is pending.
  await using round = await startRound(5000);
  const { fake } = round.proxy;
  const requests = burst(round, 10, "round four b");
  await waitFor("codexgate's refresh call", () => fake.tokenCalls.length >= 1);
  const run = await runCodex(round, "round four b");
  await requests;
  assertEquals(fake.tokenCalls.length, 2, "the CLI's refresh did not overlap codexgate's");
  assertEquals(fake.tokenCalls[1].body?.refresh_token, round.proxy.tokens.refresh_token);
  assertEquals(fake.issued.length, 1); // the CLI's call was refused as reused
  const [ours] = fake.issued;
  for (const call of gateCalls(round)) assertEquals(bearer(call), `Bearer ${ours.access_token}`);
  assertCliAuthenticated(round, run, ours);
  const disk = JSON.parse(await Deno.readTextFile(round.authPath));
  assertEquals(disk.keep_me, { nested: true }); // the CLI did not rewrite the file
  await assertNoTokenLost(round, ours);
});

Deno.test("cli rounds: no log line of codexgate holds a token", () => {
  assert(ALL_LOG_LINES.length > 0);
  assertEquals(linesWithSecrets(ALL_LOG_LINES), []);
});
