/**
 * `codexgate login --device-auth` against the fake issuer: the code and the
 * warning, polling at the issuer's interval through pending answers, and
 * every way it can end without a sign-in.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startFakeIssuer } from "../support/fake_issuer.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { CANCELLED_EXIT_CODE, LoginError } from "../../src/login/login_error.ts";
import { homeEnv, startLogin, tempHome } from "./login_harness.ts";

async function withOldSignIn(home: string): Promise<() => Promise<void>> {
  const tokens = makeTokenSet({ accountId: "acct-old-0000" });
  rememberSecrets(tokens);
  const text = authJson(tokens);
  const path = join(home, "auth.json");
  await Deno.writeTextFile(path, text, { mode: 0o600 });
  return async () => assertEquals(await Deno.readTextFile(path), text, "auth.json changed");
}

Deno.test("login --device-auth: shows the code, the address and the warning, polls through pending answers, writes the sign-in", async () => {
  await using tmp = await tempHome();
  const home = tmp.path;
  await using issuer = await startFakeIssuer({
    redirectPorts: [],
    deviceIntervalSeconds: 1,
    devicePendingPolls: 2,
    planType: "team",
  });
  const login = startLogin(["--device-auth", "--issuer", issuer.url], { env: homeEnv(home) });
  assertEquals(await login.code, 0, login.err.join("\n"));
  const [{ userCode }] = issuer.deviceCodes;
  const text = login.out.join("\n");
  assertStringIncludes(text, `  ${issuer.url}/codex/device`);
  assertStringIncludes(text, `  ${userCode}`);
  assertStringIncludes(text, "valid for 15 minutes");
  assertStringIncludes(text, "Never share this code");
  assertStringIncludes(text, "phishing");
  // Two "not yet" answers (403, then 404), then the authorization; never faster than asked.
  assertEquals(issuer.devicePolls.map((p) => p.status), [403, 404, 200]);
  assertEquals(issuer.refusals, [], "a poll came faster than the interval, or a check failed");
  // The exchange used the device redirect URI and the issuer's verifier (the fake checks both).
  assertEquals(issuer.tokenCalls[0].get("redirect_uri"), `${issuer.url}/deviceauth/callback`);
  const [tokens] = issuer.issued;
  rememberSecrets(tokens);
  const written = JSON.parse(await Deno.readTextFile(join(home, "auth.json")));
  assertEquals(written.auth_mode, "chatgpt");
  assertEquals(written.tokens.refresh_token, tokens.refresh_token);
  assertEquals(written.tokens.account_id, tokens.account_id);
  assertStringIncludes(text, "(plan team, account acct-111…)");
  assertEquals(linesWithSecrets([...login.out, ...login.err]), []);
});

Deno.test("login --device-auth: device sign-in not enabled (404) → one line suggesting the other flows, exit 1", async () => {
  await using tmp = await tempHome();
  const unchanged = await withOldSignIn(tmp.path);
  await using issuer = await startFakeIssuer({ redirectPorts: [], deviceEnabled: false });
  const login = startLogin(["--device-auth", "--issuer", issuer.url], { env: homeEnv(tmp.path) });
  assertEquals(await login.code, 1);
  assertEquals(login.err, [
    "codexgate login: device sign-in is not enabled for this account or issuer (HTTP 404); " +
    "use `codexgate login` (browser) or `codexgate login --no-browser` (paste the URL) instead",
  ]);
  await unchanged();
});

Deno.test("login --device-auth: an expired or declined code → one line with the issuer's answer, exit 1", async () => {
  for (
    const [outcome, answer] of [
      ["expire", "HTTP 410: deviceauth_expired: Device code expired"],
      ["deny", "HTTP 400: access_denied: Device code was declined"],
    ] as const
  ) {
    await using tmp = await tempHome();
    const unchanged = await withOldSignIn(tmp.path);
    await using issuer = await startFakeIssuer({
      redirectPorts: [],
      devicePendingPolls: 1,
      deviceOutcome: outcome,
    });
    const login = startLogin(["--device-auth", "--issuer", issuer.url], {
      env: homeEnv(tmp.path),
    });
    assertEquals(await login.code, 1);
    assertEquals(login.err, [
      `codexgate login: the issuer refused the device code (${answer}); it may have expired or been declined; nothing was written`,
    ]);
    assertEquals(issuer.tokenCalls.length, 0);
    await unchanged();
  }
});

Deno.test("login --device-auth: never entered within the code's lifetime → one line, exit 1", async () => {
  await using tmp = await tempHome();
  const unchanged = await withOldSignIn(tmp.path);
  await using issuer = await startFakeIssuer({ redirectPorts: [], devicePendingPolls: 1_000 });
  const login = startLogin(["--device-auth", "--issuer", issuer.url], {
    env: homeEnv(tmp.path),
    deviceLifetimeMs: 2_500,
  });
  assertEquals(await login.code, 1);
  assertEquals(login.err, [
    "codexgate login: the device code expired: it was not entered within 3 s; nothing was written",
  ]);
  assert(issuer.devicePolls.length >= 1 && issuer.devicePolls.length <= 3);
  assert(issuer.devicePolls.every((p) => p.status === 403 || p.status === 404));
  await unchanged();
});

Deno.test("login --device-auth: Ctrl-C while polling → one line, exit 130", async () => {
  await using tmp = await tempHome();
  const unchanged = await withOldSignIn(tmp.path);
  await using issuer = await startFakeIssuer({ redirectPorts: [], devicePendingPolls: 1_000 });
  const login = startLogin(["--device-auth", "--issuer", issuer.url], { env: homeEnv(tmp.path) });
  await login.waitFor(/Waiting for the code/);
  login.cancel(new LoginError("cancelled (Ctrl-C); nothing was written", CANCELLED_EXIT_CODE));
  assertEquals(await login.code, CANCELLED_EXIT_CODE);
  assertEquals(login.err, ["codexgate login: cancelled (Ctrl-C); nothing was written"]);
  await unchanged();
});

Deno.test("login --device-auth: the issuer unreachable → one line naming it, exit 1", async () => {
  await using tmp = await tempHome();
  const issuer = await startFakeIssuer({ redirectPorts: [] });
  await issuer.close();
  const login = startLogin(["--device-auth", "--issuer", issuer.url], { env: homeEnv(tmp.path) });
  assertEquals(await login.code, 1);
  assertEquals(login.err.length, 1);
  assertStringIncludes(
    login.err[0],
    `codexgate login: asking for a device code failed: cannot reach ${issuer.url}: `,
  );
});
