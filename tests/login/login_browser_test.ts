/**
 * `codexgate login` (browser flow) against the fake issuer on 127.0.0.1:
 * the test plays the browser by following the issuer's redirect to the
 * login's callback listener.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { playBrowser, startFakeIssuer } from "../support/fake_issuer.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { runAuthStatus } from "../../src/cli/auth_status.ts";
import { DEFAULT_CLIENT_ID } from "../../src/config/schema.ts";
import { CANCELLED_EXIT_CODE, LoginError } from "../../src/login/login_error.ts";
import {
  homeEnv,
  loginArgs,
  portIsFree,
  snapshotDir,
  startLogin,
  tempHome,
  twoFreePorts,
} from "./login_harness.ts";

/** An existing sign-in, to prove a failed login leaves it byte for byte. */
async function existingSignIn(home: string): Promise<string> {
  const tokens = makeTokenSet({ accountId: "acct-old-0000" });
  rememberSecrets(tokens);
  const text = authJson(tokens, { keep_me: true });
  await Deno.writeTextFile(join(home, "auth.json"), text, { mode: 0o600 });
  return text;
}

/** Only auth.json may have changed, and no temp file is left behind. */
async function assertUntouched(home: string, before: Map<string, string>): Promise<void> {
  const after = await snapshotDir(home);
  for (const [name, text] of before) assertEquals(after.get(name), text, `${name} changed`);
  const extra = [...after.keys()].filter((n) => !before.has(n) && !/^auth(\.json)?\.lock$/.test(n));
  assertEquals(extra, [], "a failed login left files behind");
}

Deno.test("login: the browser flow writes auth.json in the Codex CLI's shape, 0600, and auth status shows it", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({
    redirectPorts: ports,
    accountId: "acct-5678-abcd-efgh",
    planType: "pro",
  });
  const login = startLogin(loginArgs(issuer.url, ports), { env: homeEnv(home) });
  const url = new URL(await login.authorizeUrl());
  assertEquals(`${url.origin}${url.pathname}`, `${issuer.url}/oauth/authorize`);
  const q = url.searchParams;
  assertEquals(q.get("redirect_uri"), `http://localhost:${ports[0]}/auth/callback`);
  assertEquals(q.get("client_id"), DEFAULT_CLIENT_ID);
  assertEquals(q.get("code_challenge_method"), "S256");
  assertMatch(q.get("state")!, /^[\w-]{43}$/);
  assertEquals(
    q.get("scope"),
    "openid profile email offline_access api.connectors.read api.connectors.invoke",
  );

  const page = await playBrowser(url.href);
  assertEquals(page.status, 200);
  assertEquals(new URL(page.url).pathname, "/success");
  assertStringIncludes(page.body, "signed in with ChatGPT");
  assertEquals(await login.code, 0, login.err.join("\n"));
  assertEquals(issuer.refusals, []);
  assert(portIsFree(ports[0]), "the callback listener is closed");

  const [tokens] = issuer.issued;
  rememberSecrets(tokens);
  const path = join(home, "auth.json");
  const written = JSON.parse(await Deno.readTextFile(path));
  assertEquals(Object.keys(written), ["auth_mode", "OPENAI_API_KEY", "tokens", "last_refresh"]);
  assertEquals(written.auth_mode, "chatgpt");
  assertEquals(written.OPENAI_API_KEY, null);
  assertEquals(written.tokens, {
    id_token: tokens.id_token,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    account_id: "acct-5678-abcd-efgh",
  });
  assert(Math.abs(Date.parse(written.last_refresh) - Date.now()) < 600_000, "last_refresh is now");
  if (Deno.build.os !== "windows") assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);

  const text = login.out.join("\n");
  assertStringIncludes(
    text,
    "Signed in with ChatGPT as dev@example.test (plan pro, account acct-567…)",
  );
  assertStringIncludes(text, `Wrote ${path}.`);
  assertEquals(linesWithSecrets([...login.out, ...login.err]), []);

  const status: string[] = [];
  assertEquals(
    await runAuthStatus([], homeEnv(home), {
      out: (l) => status.push(l),
      err: (l) => status.push(l),
      readTextFile: () => undefined,
    }),
    0,
  );
  const shown = status.join("\n");
  assertStringIncludes(shown, `${path} (from CODEX_HOME)`);
  assertStringIncludes(shown, "acct-567… (dev@example.test)");
  assertStringIncludes(shown, "plan:         pro");
  assertStringIncludes(shown, "access token: expires ");
  assertEquals(linesWithSecrets(status), []);
});

Deno.test("login: a callback with the wrong state gets 400 and one line; the login keeps waiting and completes", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const login = startLogin(loginArgs(issuer.url, ports), { env: homeEnv(home) });
  const url = await login.authorizeUrl();
  const forged = await fetch(
    `http://localhost:${ports[0]}/auth/callback?code=ac_forged&state=not-this-login`,
  );
  assertEquals(forged.status, 400);
  await forged.body?.cancel();
  assertStringIncludes(
    await login.waitFor(/wrong state/),
    "codexgate login: ignored a callback with the wrong state",
  );
  await assertRejectsNothingWritten(home);
  const page = await playBrowser(url);
  assertEquals(page.status, 200);
  assertEquals(await login.code, 0, login.err.join("\n"));
  assertEquals(issuer.tokenCalls.length, 1, "the forged code was never exchanged");
  assertEquals(issuer.refusals, []);
});

async function assertRejectsNothingWritten(home: string): Promise<void> {
  const exists = await Deno.stat(join(home, "auth.json")).then(() => true, () => false);
  assert(!exists, "auth.json was written before a valid callback");
}

Deno.test("login: access_denied from the issuer → one line, exit 1, the old auth.json untouched", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  await existingSignIn(home);
  const before = await snapshotDir(home);
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports, deny: true });
  const login = startLogin(loginArgs(issuer.url, ports), { env: homeEnv(home) });
  const page = await playBrowser(await login.authorizeUrl());
  assertEquals(page.status, 400);
  assertStringIncludes(page.body, "access_denied");
  assertEquals(await login.code, 1);
  assertEquals(login.err, [
    "codexgate login: the issuer refused the sign-in: access_denied (The user declined the sign-in); nothing was written",
  ]);
  assertEquals(issuer.tokenCalls.length, 0);
  await assertUntouched(home, before);
  assert(portIsFree(ports[0]));
});

Deno.test("login: a failing token endpoint → one line with its answer, exit 1, auth.json untouched", async () => {
  for (
    const failure of [
      { status: 500, body: { error: { message: "upstream exploded", type: "server_error" } } },
      { status: 400, body: { error: "invalid_grant", error_description: "Code expired" } },
    ]
  ) {
    await using tmp = await tempHome();
    const home = tmp.path;
    await existingSignIn(home);
    const before = await snapshotDir(home);
    const ports = twoFreePorts();
    await using issuer = await startFakeIssuer({ redirectPorts: ports, tokenFailure: failure });
    const login = startLogin(loginArgs(issuer.url, ports), { env: homeEnv(home) });
    const page = await playBrowser(await login.authorizeUrl());
    assertEquals(page.status, 500);
    assertEquals(await login.code, 1);
    assertEquals(login.err.length, 1, login.err.join("\n"));
    assertStringIncludes(
      login.err[0],
      `codexgate login: the token endpoint refused the sign-in code (HTTP ${failure.status}: `,
    );
    assertStringIncludes(
      login.err[0],
      failure.status === 500 ? "upstream exploded" : "Code expired",
    );
    await assertUntouched(home, before);
  }
});

Deno.test("login: a busy first port is asked to /cancel, then the fallback port is used", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  const ports = twoFreePorts();
  // Not a login server: it never lets go of the port, whatever it is asked.
  const squatter = Deno.serve(
    { hostname: "127.0.0.1", port: ports[0], onListen: () => {} },
    (req) => new Response(`squatter saw ${new URL(req.url).pathname}`),
  );
  try {
    await using issuer = await startFakeIssuer({ redirectPorts: ports });
    const login = startLogin(loginArgs(issuer.url, ports), {
      env: homeEnv(home),
      takeoverMs: 300,
    });
    const url = new URL(await login.authorizeUrl());
    assertEquals(
      url.searchParams.get("redirect_uri"),
      `http://localhost:${ports[1]}/auth/callback`,
    );
    assertEquals((await playBrowser(url.href)).status, 200);
    assertEquals(await login.code, 0, login.err.join("\n"));
  } finally {
    await squatter.shutdown();
  }
});

Deno.test("login: both ports busy → one line naming them, exit 1, auth.json untouched", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  await existingSignIn(home);
  const before = await snapshotDir(home);
  const ports = twoFreePorts();
  const squatters = ports.map((port) => Deno.listen({ hostname: "127.0.0.1", port }));
  try {
    await using issuer = await startFakeIssuer({ redirectPorts: ports });
    const login = startLogin(loginArgs(issuer.url, ports), {
      env: homeEnv(home),
      takeoverMs: 300,
    });
    assertEquals(await login.code, 1);
    assertEquals(login.err, [
      `codexgate login: cannot listen for the sign-in callback: ports ${ports[0]} and ${
        ports[1]
      } on 127.0.0.1 are in use by other programs; close them, or use --device-auth or --no-browser`,
    ]);
    assertEquals(issuer.authorizeCalls.length, 0);
  } finally {
    for (const s of squatters) s.close();
  }
  await assertUntouched(home, before);
});

Deno.test("login: a second login takes over the port; the first says so and exits 1 without writing", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const first = startLogin(loginArgs(issuer.url, ports), { env: homeEnv(home) });
  const firstUrl = await first.authorizeUrl();
  const second = startLogin(loginArgs(issuer.url, ports), { env: homeEnv(home) });
  assertEquals(await first.code, 1);
  assertEquals(first.err, [
    `codexgate login: cancelled: another sign-in took over port ${
      ports[0]
    } (it asked this one to stop); nothing was written`,
  ]);
  const secondUrl = new URL(await second.authorizeUrl());
  assertEquals(
    secondUrl.searchParams.get("redirect_uri"),
    `http://localhost:${ports[0]}/auth/callback`,
  );
  // The first login's page now lands on the second login, whose state differs: refused.
  assertEquals((await playBrowser(firstUrl)).status, 400);
  assertEquals((await playBrowser(secondUrl.href)).status, 200);
  assertEquals(await second.code, 0, second.err.join("\n"));
  const written = JSON.parse(await Deno.readTextFile(join(home, "auth.json")));
  assertEquals(written.tokens.access_token, issuer.issued.at(-1)!.access_token);
  rememberSecrets(...issuer.issued);
});

Deno.test("login: Ctrl-C while waiting → one line, exit 130, listener closed, auth.json untouched", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  await existingSignIn(home);
  const before = await snapshotDir(home);
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const login = startLogin(loginArgs(issuer.url, ports), { env: homeEnv(home) });
  await login.authorizeUrl();
  assert(!portIsFree(ports[0]), "the listener is up while waiting");
  login.cancel(new LoginError("cancelled (Ctrl-C); nothing was written", CANCELLED_EXIT_CODE));
  assertEquals(await login.code, CANCELLED_EXIT_CODE);
  assertEquals(login.err, ["codexgate login: cancelled (Ctrl-C); nothing was written"]);
  assert(portIsFree(ports[0]), "the listener is closed");
  await assertUntouched(home, before);
});

Deno.test("login: nobody comes back within the time limit → one line, exit 1", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const login = startLogin(loginArgs(issuer.url, ports), {
    env: homeEnv(home),
    waitLimitMs: 1_000,
  });
  assertEquals(await login.code, 1);
  assertEquals(login.err, [
    "codexgate login: no sign-in came back within 1 s; nothing was written",
  ]);
  assert(portIsFree(ports[0]));
});

Deno.test("login: auth.lock held by another program past the bound → one line, exit 1, nothing replaced", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  await existingSignIn(home);
  const before = await snapshotDir(home);
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  using held = await Deno.open(join(home, "auth.lock"), { create: true, write: true });
  await held.lock(true);
  const login = startLogin(loginArgs(issuer.url, ports), {
    env: homeEnv(home),
    lockTimeoutMs: 500,
  });
  await playBrowser(await login.authorizeUrl());
  assertEquals(await login.code, 1);
  assertEquals(login.err.length, 1, login.err.join("\n"));
  assertStringIncludes(login.err[0], "auth.lock stayed locked by another program");
  assertStringIncludes(login.err[0], "codexgate did not write the new sign-in");
  rememberSecrets(...issuer.issued);
  await assertUntouched(home, before);
});

Deno.test("login: opens the browser on the printed address unless --no-open or login.open_browser: false", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const opened: string[] = [];
  const args = loginArgs(issuer.url, ports).filter((a) => a !== "--no-open");
  const login = startLogin(args, {
    env: homeEnv(home),
    openBrowser: (url) => {
      opened.push(url);
      return true;
    },
  });
  const printed = await login.authorizeUrl();
  assertEquals(opened, [printed]);
  assertEquals((await playBrowser(opened[0])).status, 200);
  assertEquals(await login.code, 0);
  rememberSecrets(...issuer.issued);

  const quiet = startLogin(args, {
    env: homeEnv(home),
    readTextFile: () =>
      "backends:\n  openai_codex:\n    type: openai-codex\n    login:\n      open_browser: false\n",
    openBrowser: (url) => {
      opened.push(url);
      return true;
    },
  });
  assertEquals((await playBrowser(await quiet.authorizeUrl())).status, 200);
  assertEquals(await quiet.code, 0);
  assertEquals(opened.length, 1, "login.open_browser: false opened a browser");
  rememberSecrets(...issuer.issued);
});
