/**
 * Credentials across real processes: two codexgate servers sharing one
 * auth.json, the startup warning, and `codexgate auth status`.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startFakeCodex } from "../support/fake_codex.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { runMain, startMain, subprocessEnv } from "../support/run_main.ts";

async function tempHome(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "codexgate-e2e-auth-" });
}

/** The first stderr line containing `text`, waiting for it up to 20 s; undefined if none came. */
async function waitForLine(stderr: () => string, text: string): Promise<string | undefined> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const line = stderr().split("\n").find((l) => l.includes(text));
    if (line || Date.now() > deadline) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function chat(url: string, text: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: text }] }),
  });
}

Deno.test("e2e auth: two codexgate processes, one expired auth.json, 20 requests each → exactly 1 refresh", async () => {
  await using fake = await startFakeCodex({ tokenDelayMs: 400 });
  const home = await tempHome();
  try {
    const tokens = makeTokenSet({ expiresIn: -60 });
    rememberSecrets(tokens);
    fake.accept(tokens);
    await Deno.writeTextFile(
      join(home, "auth.json"),
      authJson(tokens, { keep_me: { from: "the test" } }),
      { mode: 0o600 },
    );
    const env = subprocessEnv(home, {
      OPENAI_API_BASE_URL: fake.baseUrl,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    });
    await using a = await startMain([], { env, cwd: home });
    await using b = await startMain([], { env, cwd: home });
    const sends = [a, b].flatMap((proc, p) =>
      Array.from({ length: 20 }, (_, i) => chat(proc.url, `proc ${p} request ${i}`))
    );
    const answers = await Promise.all(sends);
    for (const res of answers) {
      assertEquals(res.status, 200);
      await res.body?.cancel();
    }
    assertEquals(fake.tokenCalls.length, 1);
    assertEquals(fake.issued.length, 1);
    const [issued] = fake.issued;
    rememberSecrets(issued);
    // Every upstream request of both processes carried the new token.
    assertEquals(fake.calls.length, 40);
    for (const call of fake.calls) {
      assertEquals(call.headers["authorization"], `Bearer ${issued.access_token}`);
    }
    // Both keep using it afterwards, without another refresh.
    for (const [p, proc] of [a, b].entries()) {
      const res = await chat(proc.url, `proc ${p} after`);
      assertEquals(res.status, 200);
      await res.body?.cancel();
    }
    assertEquals(fake.tokenCalls.length, 1);
    const last = fake.calls.slice(-2);
    for (const call of last) {
      assertEquals(call.headers["authorization"], `Bearer ${issued.access_token}`);
    }
    const disk = JSON.parse(await Deno.readTextFile(join(home, "auth.json")));
    assertEquals(disk.tokens.refresh_token, issued.refresh_token);
    assertEquals(disk.keep_me, { from: "the test" });
    // One of the two refreshed; the other found the new tokens under the lock.
    const logs = a.stderr() + b.stderr();
    assertEquals(logs.split("refreshed the ChatGPT sign-in").length - 1, 1);
    assert(!logs.includes("refresh_token_reused"));
    // The loser waited on auth.lock and found the winner's tokens (the race really happened).
    assert(logs.includes("another program refreshed auth.json"), logs);
    assertEquals(linesWithSecrets(logs.split("\n")), []);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("e2e auth: startup without auth.json warns with every path tried; requests get 401 `codex login`", async () => {
  await using fake = await startFakeCodex();
  const home = await tempHome();
  try {
    const env = subprocessEnv(home, {
      CODEX_HOME: join(home, "codex-home"),
      OPENAI_API_BASE_URL: fake.baseUrl,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    });
    await using proc = await startMain([], { env, cwd: home });
    const res = await chat(proc.url, "hi");
    assertEquals(res.status, 401);
    assertStringIncludes((await res.json()).error.message, "codex login");
    // The startup note is written once auth.json was looked for, which runs beside serving.
    const warning = await waitForLine(proc.stderr, "no usable ChatGPT sign-in");
    assert(warning, proc.stderr());
    const entry = JSON.parse(warning);
    assertEquals(entry.level, "warn");
    assertStringIncludes(entry.msg, `${join(home, "codex-home", "auth.json")} (CODEX_HOME)`);
    assertStringIncludes(entry.msg, `${join(home, ".codex", "auth.json")} (home directory)`);
    assertStringIncludes(entry.msg, "codex login");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("e2e auth: `codexgate auth status` exit codes and output", async () => {
  const home = await tempHome();
  try {
    const env = subprocessEnv(home);
    const missing = await runMain(["auth", "status"], { env, cwd: home });
    assertEquals(missing.code, 1);
    assertStringIncludes(missing.stdout, "NOT USABLE");
    const tokens = makeTokenSet();
    rememberSecrets(tokens);
    await Deno.writeTextFile(join(home, "auth.json"), authJson(tokens), { mode: 0o600 });
    const ok = await runMain(["auth", "status"], { env, cwd: home });
    assertEquals(ok.code, 0, ok.stderr);
    assertStringIncludes(ok.stdout, "status:       usable");
    assertStringIncludes(ok.stdout, "account:      acct-111…");
    assertEquals(linesWithSecrets((ok.stdout + ok.stderr).split("\n")), []);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
