import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./support/assert.ts";
import { FAKE_MODELS, startFakeCodex } from "./support/fake_codex.ts";
import { authJson, makeTokenSet, type TokenSet } from "./support/tokens.ts";
import { freePort, runMain } from "./support/run_main.ts";
import { runDoctor } from "../src/cli/doctor.ts";
import type { CliIo } from "../src/cli/cli_io.ts";
import { VERSION } from "../src/version.ts";

/** Captures what doctor prints. */
function captureIo(): CliIo & { outLines: string[]; errLines: string[]; all: () => string } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return {
    outLines,
    errLines,
    out: (line) => outLines.push(line),
    err: (line) => errLines.push(line),
    all: () => [...outLines, ...errLines].join("\n"),
  };
}

/** A throwaway Codex home, optionally holding auth.json for `tokens`. */
async function codexHome(tokens?: TokenSet): Promise<string & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "codexgate-doctor-" });
  if (tokens) await Deno.writeTextFile(join(dir, "auth.json"), authJson(tokens), { mode: 0o600 });
  return Object.assign(dir, {
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  }) as string & AsyncDisposable;
}

function envFor(home: string, baseUrl: string, tokenUrl: string): Record<string, string> {
  // Every variable that picks auth.json is set, so a developer's own never leaks in
  // (subprocesses inherit the environment; blank means unset).
  return {
    HOME: home,
    USERPROFILE: home,
    CODEX_HOME: home,
    OPENAI_CODEX_PATH: "",
    OPENAI_API_BASE_URL: baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: tokenUrl,
  };
}

const noConfigFile = () => undefined;

Deno.test("doctor: a valid sign-in against the fake passes every check", async () => {
  await using fake = await startFakeCodex();
  const tokens = makeTokenSet({ planType: "pro" });
  fake.accept(tokens);
  await using home = await codexHome(tokens);
  const io = captureIo();
  const code = await runDoctor([], {
    io,
    env: envFor(String(home), fake.baseUrl, fake.tokenUrl),
    readTextFile: noConfigFile,
  });
  assertEquals(code, 0, io.all());
  const path = join(String(home), "auth.json");
  assertEquals(io.outLines.slice(1), [
    "[ok]   config: no config.yaml here, using the embedded defaults",
    'backend "openai_codex" (default)',
    `  [ok]   auth.json: ${path} (from CODEX_HOME), plan pro`,
    io.outLines[4], // expiry, checked below
    `  [ok]   backend ${fake.baseUrl}: reachable, sign-in accepted (${FAKE_MODELS.length} models)`,
    `  [ok]   token endpoint ${fake.tokenUrl}: reachable (HTTP 400 to an empty probe)`,
    "All checks passed.",
  ]);
  assertMatch(io.outLines[4], /^ {2}\[ok\] {3}access token: valid for 9 d 23 h \(until \d{4}-/);
  assertEquals(io.errLines, []);
  // The catalog request carried the sign-in like the proxy's own.
  assertEquals(fake.modelCalls.length, 1);
  assertEquals(fake.modelCalls[0].headers.authorization, `Bearer ${tokens.access_token}`);
  assertEquals(fake.modelCalls[0].headers["chatgpt-account-id"], tokens.account_id);
  // The token endpoint probe never spends the single-use refresh token.
  assertEquals(fake.tokenCalls.length, 1);
  assertEquals(fake.tokenCalls[0].body, {});
  for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
    assert(!io.all().includes(secret), "doctor printed a token");
  }
});

Deno.test("doctor: backend and token endpoint on a closed loopback port → FAIL, exit 1", async () => {
  const port = freePort(); // bound then closed: nothing listens there
  const tokens = makeTokenSet();
  await using home = await codexHome(tokens);
  const base = `http://127.0.0.1:${port}/backend-api/codex`;
  const tokenUrl = `http://127.0.0.1:${port}/oauth/token`;
  const io = captureIo();
  const started = Date.now();
  // Windows retries a refused loopback connect for about 2 s; elsewhere it fails at once.
  const code = await runDoctor(["--timeout", "10"], {
    io,
    env: envFor(String(home), base, tokenUrl),
    readTextFile: noConfigFile,
  });
  assertEquals(code, 1);
  assert(Date.now() - started < 8000, "a refused connection must not wait for the timeout");
  const out = io.outLines.join("\n");
  assertStringIncludes(out, `  [ok]   auth.json: ${join(String(home), "auth.json")}`);
  assertMatch(out, new RegExp(`\\[FAIL\\] backend ${base}: cannot reach it: .*refused`, "i"));
  assertMatch(
    out,
    new RegExp(`\\[FAIL\\] token endpoint ${tokenUrl}: cannot reach it: .*refused`, "i"),
  );
  assertStringIncludes(out, "fix: check the network (and HTTPS_PROXY");
  assertEquals(io.errLines, ["2 problems found: fix the [FAIL] lines above."]);
});

Deno.test("doctor: a server that never answers is cut off by --timeout", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn); // accept, never answer
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  const tokens = makeTokenSet();
  await using home = await codexHome(tokens);
  const io = captureIo();
  const started = Date.now();
  try {
    const code = await runDoctor(["--timeout", "0.3"], {
      io,
      env: envFor(
        String(home),
        `http://127.0.0.1:${port}/backend-api/codex`,
        `http://127.0.0.1:${port}/oauth/token`,
      ),
      readTextFile: noConfigFile,
    });
    assertEquals(code, 1);
  } finally {
    listener.close();
    for (const conn of held) conn.close();
    await accepting.catch(() => {});
  }
  const elapsed = Date.now() - started;
  // Both probes run at once: one timeout, not two, and well under a second.
  assert(elapsed < 1500, `took ${elapsed} ms`);
  const out = io.outLines.join("\n");
  assertStringIncludes(out, "backend http://127.0.0.1:");
  assertEquals(out.split("cannot reach it: no answer within 0.3 s").length - 1, 2, out);
});

Deno.test("doctor: no auth.json → FAIL naming every path tried and suggesting `codexgate login`", async () => {
  await using fake = await startFakeCodex();
  await using home = await codexHome();
  const io = captureIo();
  const env = {
    ...envFor(String(home), fake.baseUrl, fake.tokenUrl),
    OPENAI_CODEX_PATH: join(String(home), "elsewhere"),
  };
  const code = await runDoctor([], { io, env, readTextFile: noConfigFile });
  assertEquals(code, 1);
  const out = io.outLines.join("\n");
  assertStringIncludes(
    out,
    `[FAIL] auth.json: No auth.json found (tried ${
      join(String(home), "elsewhere", "auth.json")
    } (OPENAI_CODEX_PATH), ${join(String(home), "elsewhere")} (OPENAI_CODEX_PATH), ${
      join(String(home), "auth.json")
    } (CODEX_HOME), ${join(String(home), ".codex", "auth.json")} (home directory)).`,
  );
  assertStringIncludes(
    out,
    "fix: run `codexgate login` to sign in with ChatGPT (the Codex CLI's `codex login` works too)",
  );
  // Reachability is still checked, without a sign-in.
  assertStringIncludes(
    out,
    `[ok]   backend ${fake.baseUrl}: reachable (HTTP 401); sign-in not checked`,
  );
  assertEquals(fake.modelCalls[0].headers.authorization, undefined);
  assertEquals(io.errLines, ["1 problem found: fix the [FAIL] lines above."]);
});

Deno.test("doctor: the keyring hint when the Codex CLI stores credentials there", async () => {
  await using fake = await startFakeCodex();
  await using home = await codexHome();
  await Deno.writeTextFile(
    join(String(home), "config.toml"),
    'cli_auth_credentials_store = "keyring"\n',
  );
  const io = captureIo();
  const code = await runDoctor([], {
    io,
    env: envFor(String(home), fake.baseUrl, fake.tokenUrl),
    readTextFile: noConfigFile,
  });
  assertEquals(code, 1);
  const out = io.outLines.join("\n");
  assertStringIncludes(out, "may be in the OS keyring");
  assertStringIncludes(out, 'Set `cli_auth_credentials_store = "file"`');
});

Deno.test("doctor: an expired access token is a warning (refreshed on use), exit 0", async () => {
  await using fake = await startFakeCodex();
  const tokens = makeTokenSet({ expiresIn: -3600 });
  fake.accept(tokens);
  await using home = await codexHome(tokens);
  const io = captureIo();
  const code = await runDoctor([], {
    io,
    env: envFor(String(home), fake.baseUrl, fake.tokenUrl),
    readTextFile: noConfigFile,
  });
  assertEquals(code, 0, io.all());
  const out = io.outLines.join("\n");
  assertMatch(out, /\[warn\] access token: expired 1 h 0 min ago \(/);
  assertStringIncludes(
    out,
    `[warn] backend ${fake.baseUrl}: reachable; refused the expired access token (HTTP 401), as expected`,
  );
  assertEquals(io.outLines.at(-1), "No problems; 2 warnings above.");
  assertEquals(fake.tokenCalls[0].body, {}, "doctor must not refresh");
});

Deno.test("doctor: a sign-in the backend refuses → FAIL with `codexgate login`", async () => {
  await using fake = await startFakeCodex();
  const tokens = makeTokenSet();
  fake.accept(tokens);
  fake.revoke(tokens.access_token);
  await using home = await codexHome(tokens);
  const io = captureIo();
  const code = await runDoctor([], {
    io,
    env: envFor(String(home), fake.baseUrl, fake.tokenUrl),
    readTextFile: noConfigFile,
  });
  assertEquals(code, 1);
  const out = io.outLines.join("\n");
  assertStringIncludes(
    out,
    `[FAIL] backend ${fake.baseUrl}: reachable, but it refused the sign-in (HTTP 401: Your authentication token has expired. Please try signing in again.)`,
  );
  assertStringIncludes(out, "fix: run `codexgate login` (or `codex login`) to sign in again");
});

Deno.test("doctor: an invalid config is a FAIL naming the key; the rest is still checked", async () => {
  await using fake = await startFakeCodex();
  const tokens = makeTokenSet();
  fake.accept(tokens);
  await using home = await codexHome(tokens);
  const io = captureIo();
  const code = await runDoctor(["--config", "my.yaml"], {
    io,
    env: envFor(String(home), fake.baseUrl, fake.tokenUrl),
    readTextFile: (path) => (path === "my.yaml" ? "server:\n  port: eighty\n" : undefined),
  });
  assertEquals(code, 1);
  const out = io.outLines.join("\n");
  assertEquals(io.outLines[1], "[FAIL] config: my.yaml: invalid config");
  assertMatch(io.outLines[2], /^ {7}server\.port: /);
  assertMatch(io.outLines[3], /^ {7}fix: correct the key named above/);
  assertStringIncludes(out, `[ok]   backend ${fake.baseUrl}: reachable, sign-in accepted`);
});

Deno.test("doctor: bad flags → exit 2", async () => {
  for (const args of [["--bogus"], ["--timeout", "0"], ["--timeout", "soon"]]) {
    const io = captureIo();
    assertEquals(await runDoctor(args, { io, env: {} }), 2, args.join(" "));
    assertEquals(io.outLines, []);
    assertMatch(io.errLines[0], /^codexgate doctor: /);
  }
});

Deno.test("doctor: `codexgate doctor` as a process reads the environment and exits 0", async () => {
  await using fake = await startFakeCodex();
  const tokens = makeTokenSet();
  fake.accept(tokens);
  await using home = await codexHome(tokens);
  const { code, stdout, stderr } = await runMain(["doctor", "--timeout", "5"], {
    env: envFor(String(home), fake.baseUrl, fake.tokenUrl),
    cwd: String(home),
  });
  assertEquals(code, 0, stdout + stderr);
  assertStringIncludes(
    stdout,
    `[ok]   auth.json: ${join(String(home), "auth.json")} (from CODEX_HOME)`,
  );
  assertStringIncludes(stdout, "All checks passed.");
});

Deno.test("doctor: on Windows the sign-in is looked for under USERPROFILE", async () => {
  await using fake = await startFakeCodex();
  const io = captureIo();
  const code = await runDoctor([], {
    io,
    platform: "windows",
    env: {
      USERPROFILE: "C:\\Users\\me",
      HOME: "/not/used/on/windows",
      OPENAI_API_BASE_URL: fake.baseUrl,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    },
    readTextFile: noConfigFile,
  });
  assertEquals(code, 1);
  assertEquals(io.outLines[0], `codexgate ${VERSION} doctor (windows)`);
  assertStringIncludes(
    io.outLines.join("\n"),
    "[FAIL] auth.json: No auth.json found (tried C:\\Users\\me\\.codex\\auth.json (home directory)).",
  );
});

Deno.test("doctor: a config that binds the network without an api_key is a FAIL", async () => {
  await using fake = await startFakeCodex();
  const tokens = makeTokenSet();
  fake.accept(tokens);
  await using home = await codexHome(tokens);
  const io = captureIo();
  const code = await runDoctor(["--config", "open.yaml"], {
    io,
    env: envFor(String(home), fake.baseUrl, fake.tokenUrl),
    readTextFile: (path) => (path === "open.yaml" ? "server:\n  host: 0.0.0.0\n" : undefined),
  });
  assertEquals(code, 1);
  const out = io.outLines.join("\n");
  assertStringIncludes(
    out,
    "[FAIL] config: open.yaml: codexgate would not start: refusing to listen on 0.0.0.0",
  );
  assertStringIncludes(out, "fix: set server.api_key or bind server.host to 127.0.0.1");
  assertStringIncludes(out, `[ok]   backend ${fake.baseUrl}: reachable, sign-in accepted`);
});
