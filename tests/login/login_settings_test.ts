/**
 * Where `codexgate login` signs in and writes: issuer (flag > env > config >
 * default), client id and ports from the backend's config, the backend's
 * auth_path, and usage mistakes.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../support/assert.ts";
import { playBrowser, startFakeIssuer } from "../support/fake_issuer.ts";
import { rememberSecrets } from "../support/secret_check.ts";
import { parseConfigText, resolveConfig } from "../../src/config/load_config.ts";
import { ConfigError } from "../../src/errors.ts";
import { homeEnv, loginArgs, startLogin, tempHome, twoFreePorts } from "./login_harness.ts";

const resolve = (yaml: string, env: Record<string, string> = {}) =>
  resolveConfig(parseConfigText(yaml, "test.yaml"), { env, flags: {}, source: "test.yaml" });

Deno.test("config: login issuer is env > config > default; ports and open_browser have defaults", () => {
  const plain = resolve("{}").backends.openai_codex.login;
  assertEquals(plain, {
    issuer: "https://auth.openai.com",
    callback_ports: [1455, 1457],
    open_browser: true,
  });
  const yaml =
    "backends:\n  openai_codex:\n    type: openai-codex\n    login:\n      issuer: https://issuer.example/\n      callback_ports: [1457]\n";
  assertEquals(resolve(yaml).backends.openai_codex.login.issuer, "https://issuer.example");
  assertEquals(resolve(yaml).backends.openai_codex.login.callback_ports, [1457]);
  assertEquals(
    resolve(yaml, { CODEXGATE_LOGIN_ISSUER: "http://127.0.0.1:9/" }).backends.openai_codex.login
      .issuer,
    "http://127.0.0.1:9",
  );
  // The refresh endpoint is its own setting: the login issuer never changes it.
  assertEquals(
    resolve(yaml, { CODEXGATE_LOGIN_ISSUER: "http://127.0.0.1:9" }).backends.openai_codex
      .token_url,
    "https://auth.openai.com/oauth/token",
  );
  const badEnv = assertThrows(() => resolve("{}", { CODEXGATE_LOGIN_ISSUER: "not a url" }));
  assert(badEnv instanceof ConfigError);
  assertStringIncludes(badEnv.message, "CODEXGATE_LOGIN_ISSUER: expected a URL");
  const badPorts = assertThrows(() =>
    resolve(
      "backends:\n  openai_codex:\n    type: openai-codex\n    login:\n      callback_ports: []\n",
    )
  );
  assert(badPorts instanceof ConfigError);
  assertStringIncludes(badPorts.message, "backends.openai_codex.login.callback_ports");
});

Deno.test("login: --issuer beats CODEXGATE_LOGIN_ISSUER, which beats the config", async () => {
  await using tmp = await tempHome();
  const ports = twoFreePorts();
  await using live = await startFakeIssuer({ redirectPorts: ports });
  const dead = "http://127.0.0.1:9";
  const configIssuer = () =>
    `backends:\n  openai_codex:\n    type: openai-codex\n    login:\n      issuer: ${dead}\n`;

  const byFlag = startLogin(loginArgs(live.url, ports), {
    env: { ...homeEnv(tmp.path), CODEXGATE_LOGIN_ISSUER: dead },
    readTextFile: configIssuer,
  });
  assert((await byFlag.authorizeUrl()).startsWith(`${live.url}/oauth/authorize?`));
  assertEquals((await playBrowser(await byFlag.authorizeUrl())).status, 200);
  assertEquals(await byFlag.code, 0);

  const byEnv = startLogin(loginArgs(live.url, ports).slice(2), {
    env: { ...homeEnv(tmp.path), CODEXGATE_LOGIN_ISSUER: live.url },
    readTextFile: configIssuer,
  });
  assert((await byEnv.authorizeUrl()).startsWith(`${live.url}/oauth/authorize?`));
  assertEquals((await playBrowser(await byEnv.authorizeUrl())).status, 200);
  assertEquals(await byEnv.code, 0);
  rememberSecrets(...live.issued);
});

Deno.test("login --backend: signs in with that backend's client id and callback ports, writes its auth_path", async () => {
  await using tmp = await tempHome();
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports, clientId: "app_work" });
  const workPath = join(tmp.path, "work", "auth.json");
  const yaml = [
    "backends:",
    "  openai_codex:",
    "    type: openai-codex",
    "  work:",
    "    type: openai-codex",
    `    auth_path: ${workPath}`,
    "    client_id: app_work",
    "    login:",
    `      callback_ports: [${ports[1]}]`,
    "",
  ].join("\n");
  const login = startLogin(["--backend", "work", "--issuer", issuer.url, "--no-open"], {
    env: homeEnv(tmp.path),
    readTextFile: () => yaml,
  });
  const url = new URL(await login.authorizeUrl());
  assertEquals(url.searchParams.get("client_id"), "app_work");
  assertEquals(url.searchParams.get("redirect_uri"), `http://localhost:${ports[1]}/auth/callback`);
  assertEquals((await playBrowser(url.href)).status, 200);
  assertEquals(await login.code, 0, login.err.join("\n"));
  assertEquals(issuer.refusals, []);
  const written = JSON.parse(await Deno.readTextFile(workPath));
  assertEquals(written.tokens.access_token, issuer.issued[0].access_token);
  if (Deno.build.os !== "windows") {
    assertEquals((await Deno.stat(join(tmp.path, "work"))).mode! & 0o777, 0o700);
  }
  const missing = await Deno.stat(join(tmp.path, "auth.json")).then(() => false, () => true);
  assert(missing, "the default backend's auth.json was written");
  rememberSecrets(...issuer.issued);
});

Deno.test("login --auth-path and --client-id: written where asked, with the client id given", async () => {
  await using tmp = await tempHome();
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports, clientId: "app_other" });
  const target = join(tmp.path, "elsewhere");
  const login = startLogin(
    loginArgs(issuer.url, ports, "--auth-path", target, "--client-id", "app_other"),
    { env: homeEnv(tmp.path) },
  );
  assertEquals((await playBrowser(await login.authorizeUrl())).status, 200);
  assertEquals(await login.code, 0, login.err.join("\n"));
  assertStringIncludes(login.out[0], `${join(target, "auth.json")} (from --auth-path)`);
  JSON.parse(await Deno.readTextFile(join(target, "auth.json")));
  rememberSecrets(...issuer.issued);
});

Deno.test("login: usage mistakes exit 2 with one line naming the flag", async () => {
  await using tmp = await tempHome();
  const cases: [string[], string][] = [
    [["--device-auth", "--no-browser"], "--device-auth and --no-browser are two different flows"],
    [["--issuer", "auth.openai.com"], '--issuer: expected an http(s) URL, got "auth.openai.com"'],
    [["--callback-port", "70000"], "--callback-port: expected a port from 1 to 65535"],
    [["--backend", "nope"], '--backend: expected one of openai_codex, got "nope"'],
    [["--bogus"], "Unknown option '--bogus'"],
  ];
  for (const [args, message] of cases) {
    const login = startLogin(args, { env: homeEnv(tmp.path) });
    assertEquals(await login.code, 2, args.join(" "));
    assertEquals(login.err.length, 1, args.join(" "));
    assertStringIncludes(login.err[0], `codexgate login: ${message}`);
    assertStringIncludes(login.err[0], "(see codexgate login --help)");
  }
});
