import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../support/assert.ts";
import { type FakeCodex, startFakeCodex } from "../support/fake_codex.ts";
import { authJson, makeTokenSet, type TokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import {
  FileCredentialSource,
  type FileCredentialSourceOptions,
} from "../../src/auth/file_credential_source.ts";
import { ProxyError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { ALL_LOG_LINES } from "../support/harness.ts";

interface Setup extends AsyncDisposable {
  dir: string;
  authPath: string;
  fake: FakeCodex;
  tokens: TokenSet;
  logs: string[];
  source(options?: Partial<FileCredentialSourceOptions>): FileCredentialSource;
}

async function setup(
  options: { expiresIn?: number; content?: string; tokenDelayMs?: number } = {},
): Promise<Setup> {
  const fake = await startFakeCodex({ tokenDelayMs: options.tokenDelayMs });
  const dir = await Deno.makeTempDir({ prefix: "codexgate-auth-" });
  const authPath = join(dir, "auth.json");
  const tokens = makeTokenSet({ expiresIn: options.expiresIn });
  rememberSecrets(tokens);
  fake.accept(tokens);
  await Deno.writeTextFile(authPath, options.content ?? authJson(tokens), { mode: 0o600 });
  const logs: string[] = [];
  const logger = createLogger("debug", (line) => {
    logs.push(line);
    ALL_LOG_LINES.push(line);
  });
  return {
    dir,
    authPath,
    fake,
    tokens,
    logs,
    source: (extra = {}) =>
      new FileCredentialSource({
        candidates: [{ path: authPath, from: "CODEX_HOME" }],
        refresh: { tokenUrl: fake.tokenUrl, clientId: "test-client", marginMs: 300_000 },
        logger,
        ...extra,
      }),
    [Symbol.asyncDispose]: async () => {
      await fake.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function rejectsWith(promise: Promise<unknown>, status: number): Promise<ProxyError> {
  const err = await assertRejects(() => promise);
  assert(err instanceof ProxyError, `expected a ProxyError, got ${err}`);
  assertEquals(err.status, status, err.message);
  return err;
}

Deno.test("FileCredentialSource: auth_mode apikey → 401 that never sends the key anywhere", async () => {
  await using s = await setup({
    content: JSON.stringify({ auth_mode: "apikey", OPENAI_API_KEY: "sk-test-not-a-real-key" }),
  });
  const err = await rejectsWith(s.source().get(), 401);
  assertStringIncludes(err.message, 'auth_mode "apikey"');
  assertStringIncludes(err.message, "never sends an API key");
  assertStringIncludes(err.message, "Sign in with ChatGPT");
  assert(!err.message.includes("sk-test"));
  assertEquals(s.fake.tokenCalls.length + s.fake.calls.length, 0);
});

Deno.test("FileCredentialSource: apikey mode wins over leftover tokens", async () => {
  await using s = await setup();
  const raw = JSON.parse(await Deno.readTextFile(s.authPath));
  raw.auth_mode = "apikey";
  raw.OPENAI_API_KEY = "sk-test-not-a-real-key";
  await Deno.writeTextFile(s.authPath, JSON.stringify(raw));
  const err = await rejectsWith(s.source().get(), 401);
  assertStringIncludes(err.message, 'auth_mode "apikey"');
});

Deno.test("FileCredentialSource: no file + CLI keyring storage → says how to switch to file storage", async () => {
  await using s = await setup();
  await Deno.remove(s.authPath);
  const source = s.source({
    candidates: [
      { path: s.authPath, from: "CODEX_HOME" },
      { path: "/nonexistent/home/.codex/auth.json", from: "home directory" },
    ],
    readCodexConfig: () => 'model = "gpt-5.4"\ncli_auth_credentials_store = "keyring"\n',
  });
  const err = await rejectsWith(source.get(), 401);
  assertStringIncludes(err.message, `${s.authPath} (CODEX_HOME)`);
  assertStringIncludes(err.message, "/nonexistent/home/.codex/auth.json (home directory)");
  assertStringIncludes(err.message, "OS keyring");
  assertStringIncludes(err.message, 'cli_auth_credentials_store = "file"');
  assertStringIncludes(err.message, "codex login");
});

Deno.test("FileCredentialSource: OPENAI_CODEX_PATH as a file with another name is found", async () => {
  await using s = await setup();
  const odd = join(s.dir, "work-signin");
  await Deno.rename(s.authPath, odd);
  const source = s.source({
    candidates: [
      { path: join(odd, "auth.json"), from: "OPENAI_CODEX_PATH" },
      { path: odd, from: "OPENAI_CODEX_PATH" },
    ],
  });
  assertEquals((await source.get()).accessToken, s.tokens.access_token);
});

Deno.test("FileCredentialSource: account id falls back to the JWT claim", async () => {
  const tokens = makeTokenSet({ accountId: "acct-from-claim" });
  const { account_id: _dropped, ...withoutId } = tokens;
  await using s = await setup({ content: JSON.stringify({ tokens: withoutId }) });
  const credentials = await s.source().get();
  assertEquals(credentials.accountId, "acct-from-claim");
  assertEquals(credentials.planType, "plus");
});

Deno.test("FileCredentialSource: waits for auth.lock held by another writer, then uses what it wrote, no refresh", async () => {
  await using s = await setup({ expiresIn: -60 });
  const written = makeTokenSet();
  rememberSecrets(written);
  const holder = await Deno.open(join(s.dir, "auth.lock"), { create: true, write: true });
  await holder.lock(true);
  const source = s.source();
  const pending = Promise.all(Array.from({ length: 10 }, () => source.get()));
  await new Promise((r) => setTimeout(r, 200));
  await Deno.writeTextFile(s.authPath, authJson(written), { mode: 0o600 });
  holder.close();
  for (const credentials of await pending) {
    assertEquals(credentials.accessToken, written.access_token);
  }
  assertEquals(s.fake.tokenCalls.length, 0);
});

Deno.test("FileCredentialSource: bounded wait for auth.lock → clear 503, lock file kept", async () => {
  await using s = await setup({ expiresIn: -60 });
  const holder = await Deno.open(join(s.dir, "auth.lock"), { create: true, write: true });
  await holder.lock(true);
  const started = performance.now();
  const err = await rejectsWith(s.source({ lockTimeoutMs: 300 }).get(), 503);
  const waited = performance.now() - started;
  assert(waited >= 290 && waited < 3000, `waited ${waited} ms`);
  assertEquals(err.code, "auth_lock_timeout");
  assertStringIncludes(err.message, join(s.dir, "auth.lock"));
  assertEquals(s.fake.tokenCalls.length, 0);
  holder.close();
  // The abandoned lock call is granted now and lets go at once: the next refresh proceeds.
  await new Promise((r) => setTimeout(r, 50));
  const credentials = await s.source().get();
  assertEquals(s.fake.tokenCalls.length, 1);
  assertEquals(credentials.accessToken, s.fake.issued[0].access_token);
  rememberSecrets(...s.fake.issued);
  assert((await Deno.stat(join(s.dir, "auth.lock"))).isFile);
});

Deno.test("FileCredentialSource: lost race whose winner never writes → 401 `codex login` after the bounded wait", async () => {
  await using s = await setup({ expiresIn: -60 });
  const spent = await fetch(s.fake.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "x",
      grant_type: "refresh_token",
      refresh_token: s.tokens.refresh_token,
    }),
  });
  await spent.body?.cancel();
  rememberSecrets(...s.fake.issued);
  const err = await rejectsWith(s.source({ raceWaitMs: 200 }).get(), 401);
  assertStringIncludes(err.message, "refresh_token_reused");
  assertStringIncludes(err.message, "codex login");
  assertEquals(s.fake.tokenCalls.length, 2);
  // The file is untouched.
  assertEquals(JSON.parse(await Deno.readTextFile(s.authPath)).tokens, s.tokens);
});

Deno.test("FileCredentialSource: token endpoint down → 502 when expired, current token while still valid", async () => {
  {
    await using s = await setup({ expiresIn: -60 });
    const source = s.source({
      refresh: { tokenUrl: "http://127.0.0.1:9/oauth/token", clientId: "x", marginMs: 300_000 },
    });
    const err = await rejectsWith(source.get(), 502);
    assertEquals(err.code, "token_refresh_failed");
  }
  {
    await using s = await setup({ expiresIn: 120 });
    const source = s.source({
      refresh: { tokenUrl: "http://127.0.0.1:9/oauth/token", clientId: "x", marginMs: 300_000 },
    });
    assertEquals((await source.get()).accessToken, s.tokens.access_token);
  }
});

Deno.test("FileCredentialSource: recover() with the disk token already newer re-reads only", async () => {
  await using s = await setup();
  const source = s.source();
  const first = await source.get();
  const rotated = makeTokenSet();
  rememberSecrets(rotated);
  await Deno.writeTextFile(s.authPath, authJson(rotated), { mode: 0o600 });
  assertEquals((await source.recover(first)).accessToken, rotated.access_token);
  assertEquals(s.fake.tokenCalls.length, 0);
});

Deno.test("FileCredentialSource: the injected clock decides expiry", async () => {
  await using s = await setup({ expiresIn: 3600 });
  const later = Date.now() + 3600_000;
  const credentials = await s.source({ now: () => later }).get();
  assertEquals(s.fake.tokenCalls.length, 1);
  rememberSecrets(...s.fake.issued);
  assertEquals(credentials.accessToken, s.fake.issued[0].access_token);
  const file = JSON.parse(await Deno.readTextFile(s.authPath));
  assertEquals(file.last_refresh, new Date(later).toISOString());
});

Deno.test("FileCredentialSource: a request that goes away stops waiting; the refresh still lands for others", async () => {
  await using s = await setup({ expiresIn: -60, tokenDelayMs: 300 });
  const source = s.source();
  const controller = new AbortController();
  const abandoned = source.get(controller.signal);
  const patient = source.get();
  setTimeout(() => controller.abort(new Error("client left")), 50);
  const err = await assertRejects(() => abandoned);
  assertEquals((err as Error).message, "client left");
  assertEquals((await patient).accessToken, s.fake.issued[0].access_token);
  rememberSecrets(...s.fake.issued);
  assertEquals(s.fake.tokenCalls.length, 1);
});

Deno.test("FileCredentialSource: no log line of this file holds a token", () => {
  assert(ALL_LOG_LINES.length > 0);
  assertEquals(linesWithSecrets(ALL_LOG_LINES), []);
});

Deno.test("FileCredentialSource.read() reuses the parse while auth.json text is unchanged, sees any write at once", async () => {
  await using s = await setup();
  const source = s.source();
  const first = await source.read();
  assert((await source.read()) === first, "an unchanged file is not parsed again");

  // Rewritten in place (same inode), as an editor might: seen at once.
  const inPlace = makeTokenSet();
  await Deno.writeTextFile(s.authPath, authJson(inPlace));
  const second = await source.read();
  assertEquals(second.credentials.accessToken, inPlace.access_token);

  // Replaced by rename, as the Codex CLI does: seen at once.
  const renamed = makeTokenSet();
  const tmp = join(s.dir, ".auth-test.tmp");
  await Deno.writeTextFile(tmp, authJson(renamed), { mode: 0o600 });
  await Deno.rename(tmp, s.authPath);
  assertEquals((await source.read()).credentials.accessToken, renamed.access_token);
  assertEquals((await source.get()).accessToken, renamed.access_token);
});

Deno.test("FileCredentialSource: skips a missing file and a directory, reads the next; concurrent reads share one", async () => {
  await using s = await setup();
  const candidates = [
    { path: join(s.dir, "missing", "auth.json"), from: "OPENAI_CODEX_PATH" as const },
    { path: s.dir, from: "OPENAI_CODEX_PATH" as const },
    { path: s.authPath, from: "CODEX_HOME" as const },
  ];
  const source = s.source({ candidates });
  const [a, b, c] = await Promise.all([source.read(), source.read(), source.read()]);
  assertEquals(a.path, s.authPath);
  // The requests that came during one read got that read's snapshot.
  assert(a === b && b === c);
  // A later read reads the file again and sees a change at once.
  const next = makeTokenSet({ expiresIn: 3600 });
  rememberSecrets(next);
  await Deno.writeTextFile(s.authPath, authJson(next), { mode: 0o600 });
  assertEquals((await source.read()).credentials.accessToken, next.access_token);
});
