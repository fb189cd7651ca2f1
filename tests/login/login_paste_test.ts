/**
 * `codexgate login --no-browser`: print the address, sign in "on another
 * machine" (the test follows the issuer's redirect without loading it, as a
 * browser on a machine where nothing listens on the port), paste back.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startFakeIssuer } from "../support/fake_issuer.ts";
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { rememberSecrets } from "../support/secret_check.ts";
import {
  homeEnv,
  loginArgs,
  portIsFree,
  startLogin,
  tempHome,
  twoFreePorts,
} from "./login_harness.ts";

/** Lines the test will "paste", one per read; null is the end of input. */
function pasteQueue() {
  const waiting: ((line: string | null) => void)[] = [];
  const queued: (string | null)[] = [];
  return {
    paste(line: string | null) {
      const reader = waiting.shift();
      if (reader) reader(line);
      else queued.push(line);
    },
    readLine: () =>
      queued.length > 0
        ? Promise.resolve(queued.shift()!)
        : new Promise<string | null>((r) => waiting.push(r)),
  };
}

/** Where the issuer sends the browser after sign-in (the address that fails to load). */
async function landingAddress(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  await res.body?.cancel();
  assertEquals(res.status, 302);
  return res.headers.get("location")!;
}

Deno.test("login --no-browser: pasting the address the browser ended on signs in (no listener involved)", async () => {
  await using tmp = await tempHome();
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const input = pasteQueue();
  const login = startLogin(loginArgs(issuer.url, ports, "--no-browser"), {
    env: homeEnv(tmp.path),
    readLine: input.readLine,
  });
  const url = new URL(await login.authorizeUrl());
  assertEquals(url.searchParams.get("redirect_uri"), `http://localhost:${ports[0]}/auth/callback`);
  const landing = await landingAddress(url.href);
  assertStringIncludes(login.out.join("\n"), "Copy that whole address");
  assert(portIsFree(ports[0]), "the paste flow listens on nothing");
  input.paste("");
  input.paste(`  ${landing}  `);
  assertEquals(await login.code, 0, login.err.join("\n"));
  assertEquals(issuer.refusals, []);
  const written = JSON.parse(await Deno.readTextFile(join(tmp.path, "auth.json")));
  assertEquals(written.tokens.access_token, issuer.issued[0].access_token);
  rememberSecrets(...issuer.issued);
});

Deno.test("login --no-browser: pasting only the code works too", async () => {
  await using tmp = await tempHome();
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const input = pasteQueue();
  const login = startLogin(loginArgs(issuer.url, ports, "--no-browser"), {
    env: homeEnv(tmp.path),
    readLine: input.readLine,
  });
  const landing = new URL(await landingAddress(await login.authorizeUrl()));
  input.paste(landing.searchParams.get("code")!);
  assertEquals(await login.code, 0, login.err.join("\n"));
  assertEquals(issuer.refusals, []);
  rememberSecrets(...issuer.issued);
});

Deno.test("login --no-browser: a wrong state, an error, garbage or no input → one line, exit 1, auth.json untouched", async () => {
  const cases: [string, (landing: URL) => string | null, string][] = [
    [
      "wrong state",
      (l) => {
        l.searchParams.set("state", "someone-elses");
        return l.href;
      },
      "codexgate login: the pasted address belongs to another sign-in (its state does not match this one); " +
      "paste the address this login's URL led to; nothing was written",
    ],
    [
      "access_denied",
      (l) => {
        l.searchParams.delete("code");
        l.searchParams.set("error", "access_denied");
        return l.href;
      },
      "codexgate login: the issuer refused the sign-in: access_denied; nothing was written",
    ],
    [
      "garbage",
      () => "hello there, <b>code</b>",
      "codexgate login: the pasted text is neither the callback address nor a code; nothing was written",
    ],
    [
      "end of input",
      () => null,
      "codexgate login: no address was pasted (end of input); nothing was written",
    ],
  ];
  for (const [name, paste, line] of cases) {
    await using tmp = await tempHome();
    const old = makeTokenSet();
    rememberSecrets(old);
    const path = join(tmp.path, "auth.json");
    await Deno.writeTextFile(path, authJson(old), { mode: 0o600 });
    const before = await Deno.readTextFile(path);
    const ports = twoFreePorts();
    await using issuer = await startFakeIssuer({ redirectPorts: ports });
    const input = pasteQueue();
    const login = startLogin(loginArgs(issuer.url, ports, "--no-browser"), {
      env: homeEnv(tmp.path),
      readLine: input.readLine,
    });
    input.paste(paste(new URL(await landingAddress(await login.authorizeUrl()))));
    assertEquals(await login.code, 1, name);
    assertEquals(login.err, [line], name);
    assertEquals(issuer.tokenCalls.length, 0, name);
    assertEquals(await Deno.readTextFile(path), before, name);
  }
});
