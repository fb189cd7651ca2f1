/**
 * `codexgate login` writes a sign-in the REAL Codex CLI accepts. Runs only
 * inside a loopback-only network namespace, started by
 * tests/e2e/login_codex_cli_test.ts; it refuses to run anywhere else.
 *
 * For the browser flow and the device flow: the fake issuer on 127.0.0.1
 * signs in (the test plays the browser / "enters" the device code), then
 * `codex login status` must say it is signed in with ChatGPT; `codex exec`
 * pointed straight at the fake Codex backend (custom provider with
 * `requires_openai_auth`) must send exactly the tokens codexgate wrote; and
 * `codex exec` through codexgate (which reads the same auth.json) must get
 * the fake backend's answer, sent upstream with those tokens.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import type { FakeCodex } from "../support/fake_codex.ts";
import { type ProxyHarness, startProxy } from "../support/harness.ts";
import { type FakeIssuer, playBrowser, startFakeIssuer } from "../support/fake_issuer.ts";
import { rememberSecrets } from "../support/secret_check.ts";
import { runLogin } from "../../src/cli/login.ts";

const CODEX = Deno.env.get("CODEXGATE_CODEX_BIN");
if (!CODEX || Deno.env.get("CODEXGATE_IN_NETNS") !== "1") {
  throw new Error("run through tests/e2e/login_codex_cli_test.ts (needs the CLI and a netns)");
}

/** A local sinkhole for anything the CLI sends through its proxy (the namespace is the first guard). */
function startSinkhole(): { url: string; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    try {
      for await (const conn of listener) conn.close();
    } catch { /* closed */ }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close: () => listener.close(),
  };
}

interface Setup extends AsyncDisposable {
  home: string;
  fake: FakeCodex;
  /** codexgate, reading auth.json from `home` (none until the login writes it). */
  proxy: ProxyHarness;
  issuer: FakeIssuer;
  ports: [number, number];
  sink: string;
}

async function setUp(): Promise<Setup> {
  const home = await Deno.makeTempDir({ prefix: "codexgate-login-cli-" });
  const proxy = await startProxy({
    noAuthFile: true,
    env: { HOME: home, CODEX_HOME: home },
    configYaml: "backends:\n  openai_codex:\n    type: openai-codex\n    extra:\n      codex:\n" +
      "        default_capabilities: { protocol: openai-responses }\n",
  });
  const { fake } = proxy;
  const a = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const b = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const ports: [number, number] = [(a.addr as Deno.NetAddr).port, (b.addr as Deno.NetAddr).port];
  a.close();
  b.close();
  const issuer = await startFakeIssuer({
    redirectPorts: ports,
    accountId: "acct-cli-4242-abcd",
    planType: "pro",
    deviceIntervalSeconds: 1,
    devicePendingPolls: 1,
    // The fake backend accepts exactly what the issuer handed out.
    onIssue: (tokens) => fake.accept(tokens),
  });
  const sink = startSinkhole();
  return {
    home,
    fake,
    proxy,
    issuer,
    ports,
    sink: sink.url,
    [Symbol.asyncDispose]: async () => {
      sink.close();
      rememberSecrets(...issuer.issued);
      await issuer.close();
      await proxy.close();
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}

/** Runs `codexgate login <args>` in this process against the setup; returns its exit code. */
async function login(
  setup: Setup,
  args: string[],
  playPerson: (printed: () => string[]) => Promise<void>,
): Promise<number> {
  const lines: string[] = [];
  const code = runLogin(
    ["--issuer", setup.issuer.url, "--no-open", ...args],
    {
      io: { out: (l) => lines.push(l), err: (l) => lines.push(l) },
      env: { HOME: setup.home, CODEX_HOME: setup.home },
      readTextFile: () => undefined,
    },
  );
  await playPerson(() => lines);
  const result = await code;
  assertEquals(result, 0, lines.join("\n"));
  return result;
}

async function waitForLine(printed: () => string[], pattern: RegExp): Promise<string> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const line = printed().find((l) => pattern.test(l));
    if (line) return line.trim();
    if (performance.now() > deadline) throw new Error(`no ${pattern}:\n${printed().join("\n")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function runCodex(setup: Setup, args: string[]) {
  const out = await new Deno.Command(CODEX!, {
    args,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      CODEX_HOME: setup.home,
      HOME: setup.home,
      HTTP_PROXY: setup.sink,
      HTTPS_PROXY: setup.sink,
      http_proxy: setup.sink,
      https_proxy: setup.sink,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      RUST_LOG: "error",
    },
    clearEnv: true,
    cwd: setup.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The CLI reads codexgate's auth.json: `login status`, then a turn through the fake backend. */
async function assertCliUsesSignIn(setup: Setup): Promise<void> {
  const [tokens] = setup.issuer.issued;
  assert(tokens, "the issuer issued no tokens");
  const status = await runCodex(setup, ["login", "status"]);
  console.log(`cli login status: exit ${status.code}: ${(status.stdout + status.stderr).trim()}`);
  assertEquals(status.code, 0, status.stdout + status.stderr);
  assertMatch(status.stdout + status.stderr, /Logged in using ChatGPT/);

  // Straight to the fake backend: the CLI itself sends the tokens codexgate wrote. (The fake
  // then refuses the turn: its catalog is not the CLI's, so the CLI sends no instructions.)
  await writeCliConfig(setup, setup.fake.baseUrl);
  const direct = await runCodex(setup, ["exec", "--skip-git-repo-check", "--json", "hello fake"]);
  const cliCalls = setup.fake.calls.filter((c) => c.headers["originator"] === "codex_exec");
  assert(cliCalls.length > 0, `the CLI sent no request:\n${direct.stdout}\n${direct.stderr}`);
  for (const call of cliCalls) {
    assertEquals(call.headers["authorization"], `Bearer ${tokens.access_token}`);
    assertEquals(call.headers["chatgpt-account-id"], "acct-cli-4242-abcd");
  }

  // Through codexgate, which reads the same auth.json: a whole answer.
  await writeCliConfig(setup, `${setup.proxy.url}/v1`);
  const before = setup.fake.calls.length;
  const run = await runCodex(setup, ["exec", "--skip-git-repo-check", "--json", "hello there"]);
  const answers = run.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l))
    .filter((e) => e.type === "item.completed" && e.item?.type === "agent_message")
    .map((e) => e.item.text);
  console.log(`cli exec: exit ${run.code}: ${JSON.stringify(answers)}`);
  assertEquals(run.code, 0, run.stdout.slice(-2000));
  assertEquals(answers, ["Echo: hello there"]);
  const upstream = setup.fake.calls.slice(before);
  assert(upstream.length > 0);
  for (const call of upstream) {
    assertEquals(call.headers["authorization"], `Bearer ${tokens.access_token}`);
    assertEquals(call.headers["chatgpt-account-id"], "acct-cli-4242-abcd");
  }
  // Nobody had to refresh: the file is exactly what codexgate login wrote.
  const disk = JSON.parse(await Deno.readTextFile(join(setup.home, "auth.json")));
  assertEquals(disk.tokens.refresh_token, tokens.refresh_token);
  assertEquals(setup.fake.tokenCalls.length, 0);
}

/** A CLI config whose provider at `baseUrl` uses the ChatGPT sign-in. */
async function writeCliConfig(setup: Setup, baseUrl: string): Promise<void> {
  await Deno.writeTextFile(
    join(setup.home, "config.toml"),
    [
      'model = "gpt-5.4"',
      'model_provider = "signed_in"',
      "check_for_update_on_startup = false",
      "[model_providers.signed_in]",
      'name = "signed in"',
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      "requires_openai_auth = true",
      "",
    ].join("\n"),
  );
}

Deno.test("login cli 1: browser sign-in → `codex login status` and `codex exec` use it", async () => {
  await using setup = await setUp();
  await login(
    setup,
    setup.ports.flatMap((p) => ["--callback-port", String(p)]),
    async (printed) => {
      const page = await playBrowser(await waitForLine(printed, /\/oauth\/authorize\?/));
      assertEquals(page.status, 200);
    },
  );
  assertEquals(setup.issuer.refusals, []);
  await assertCliUsesSignIn(setup);
});

Deno.test("login cli 2: device sign-in → `codex login status` and `codex exec` use it", async () => {
  await using setup = await setUp();
  await login(setup, ["--device-auth"], async (printed) => {
    await waitForLine(printed, /Waiting for the code/);
  });
  assertEquals(setup.issuer.refusals, []);
  await assertCliUsesSignIn(setup);
});
