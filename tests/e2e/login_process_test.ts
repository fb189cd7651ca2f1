/**
 * `codexgate login`, `auth status` and `logout` as a person runs them:
 * main.ts as a subprocess (with --no-open), the test playing the browser.
 * Ctrl-C is a real SIGINT to the process.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { playBrowser, startFakeIssuer } from "../support/fake_issuer.ts";
import { DENO_JSON, MAIN, runMain } from "../support/run_main.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { authJson, makeTokenSet } from "../support/tokens.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { portIsFree, snapshotDir, tempHome, twoFreePorts } from "../login/login_harness.ts";

function envFor(home: string): Record<string, string> {
  return { HOME: home, USERPROFILE: home, CODEX_HOME: home, OPENAI_CODEX_PATH: "" };
}

let denoDir: string | undefined;
async function childEnv(home: string, path: string): Promise<Record<string, string>> {
  denoDir ??= Deno.env.get("DENO_DIR") ?? JSON.parse(
    new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
    ),
  ).denoDir as string;
  return { ...envFor(home), DENO_DIR: denoDir, PATH: path };
}

/** The permission (and --quiet) flags of `deno task start`, which are the compiled binary's. */
const BINARY_PERMISSIONS = denoJson.tasks.start.split(/\s+/).filter((w) =>
  w.startsWith("--allow-") || w === "--ignore-env" || w === "--quiet" || w.startsWith("-P")
);

/**
 * `main.ts login <args>` running with the binary's permissions, stdout read
 * as it comes. `path` is the child's whole PATH (the browser opener is
 * looked up there).
 */
async function spawnLogin(home: string, args: string[], path = "", stdin = false) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", DENO_JSON, ...BINARY_PERMISSIONS, MAIN, "login", ...args],
    env: await childEnv(home, path),
    clearEnv: true,
    cwd: home,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  let stderr = "";
  const dec = new TextDecoder();
  const outDone = (async () => {
    for await (const c of child.stdout) stdout += dec.decode(c);
  })();
  const errDone = (async () => {
    for await (const c of child.stderr) stderr += dec.decode(c);
  })();
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await Promise.all([outDone, errDone]);
    return s;
  });
  return {
    child,
    status,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Waits (bounded, generously) for the authorize URL on stdout. */
    async authorizeUrl(): Promise<string> {
      const deadline = performance.now() + 60_000;
      for (;;) {
        const match = /\S+\/oauth\/authorize\?\S+/.exec(stdout);
        if (match) return match[0];
        if (exited || performance.now() > deadline) {
          throw new Error(`no authorize URL printed:\n${stdout}\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/**
 * A stand-in `xdg-open` (the only thing on the child's PATH, so no real
 * browser can start) that records the URL it was asked to open.
 */
async function fakeOpener(dir: string): Promise<{ path: string; opened: () => Promise<string> }> {
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  const record = join(dir, "opened.txt");
  await Deno.writeTextFile(
    join(bin, "xdg-open"),
    `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`,
    { mode: 0o755 },
  );
  return {
    path: bin,
    opened: async () => {
      const deadline = performance.now() + 60_000;
      for (;;) {
        const text = await Deno.readTextFile(record).catch(() => "");
        if (text) return text;
        if (performance.now() > deadline) throw new Error("the opener was never run");
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

Deno.test({
  name:
    "e2e login: with the binary's permissions, opens the browser (xdg-open) on the printed URL; then `auth status` shows the sign-in and `logout --yes` removes it",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await using tmp = await tempHome();
    const home = join(tmp.path, "codex");
    await Deno.mkdir(home);
    const opener = await fakeOpener(tmp.path);
    const ports = twoFreePorts();
    await using issuer = await startFakeIssuer({ redirectPorts: ports, planType: "plus" });
    const login = await spawnLogin(home, [
      "--issuer",
      issuer.url,
      "--callback-port",
      String(ports[0]),
      "--callback-port",
      String(ports[1]),
    ], opener.path);
    const printed = await login.authorizeUrl();
    assertEquals(await opener.opened(), printed);
    assertStringIncludes(login.stdout(), "Opened it in your default browser.");
    const page = await playBrowser(printed);
    assertEquals(page.status, 200);
    const { code } = await login.status;
    assertEquals(code, 0, login.stderr());
    rememberSecrets(...issuer.issued);
    assertStringIncludes(login.stdout(), "Signed in with ChatGPT as dev@example.test");
    assertEquals(linesWithSecrets([login.stdout(), login.stderr()]), []);

    const status = await runMain(["auth", "status"], { env: envFor(home), cwd: home });
    assertEquals(status.code, 0, status.stderr);
    for (
      const part of [
        `${join(home, "auth.json")} (from CODEX_HOME)`,
        "acct-111… (dev@example.test)",
        "plan:         plus",
        "access token: expires",
      ]
    ) assertStringIncludes(status.stdout, part);

    const out = await runMain(["logout", "--yes"], { env: envFor(home), cwd: home });
    assertEquals(out.code, 0, out.stderr);
    assertStringIncludes(out.stdout, `Signed out: removed ${join(home, "auth.json")}.`);
    const after = await runMain(["auth", "status"], { env: envFor(home), cwd: home });
    assertEquals(after.code, 1);
    assertStringIncludes(after.stdout, "Run `codexgate login` (or `codex login`) to sign in.");
  },
});

Deno.test({
  name:
    "e2e login: SIGINT while waiting → one clear line, exit 130, listener closed, auth.json untouched",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using tmp = await tempHome();
    const home = tmp.path;
    const tokens = makeTokenSet();
    rememberSecrets(tokens);
    await Deno.writeTextFile(join(home, "auth.json"), authJson(tokens), { mode: 0o600 });
    const before = await snapshotDir(home);
    const ports = twoFreePorts();
    await using issuer = await startFakeIssuer({ redirectPorts: ports });
    const login = await spawnLogin(home, [
      "--no-open",
      "--issuer",
      issuer.url,
      "--callback-port",
      String(ports[0]),
      "--callback-port",
      String(ports[1]),
    ]);
    await login.authorizeUrl();
    assert(!portIsFree(ports[0]), "the login listens while it waits");
    login.child.kill("SIGINT");
    const { code } = await login.status;
    assertEquals(code, 130);
    assertEquals(login.stderr().trim().split("\n"), [
      "codexgate login: cancelled (Ctrl-C); nothing was written",
    ]);
    assert(portIsFree(ports[0]), "the listener is closed");
    assertEquals(await snapshotDir(home), before);
    assertEquals(issuer.tokenCalls.length, 0);
  },
});

Deno.test("e2e login: --no-browser reads the pasted address from stdin", async () => {
  await using tmp = await tempHome();
  const ports = twoFreePorts();
  await using issuer = await startFakeIssuer({ redirectPorts: ports });
  const login = await spawnLogin(
    tmp.path,
    [
      "--no-browser",
      "--issuer",
      issuer.url,
      "--callback-port",
      String(ports[0]),
    ],
    "",
    true,
  );
  // The browser "on another machine" lands on an address nothing answers: paste it.
  const res = await fetch(await login.authorizeUrl(), { redirect: "manual" });
  await res.body?.cancel();
  const landing = res.headers.get("location")!;
  const writer = login.child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`\n${landing}\r\n`));
  await writer.close();
  const { code } = await login.status;
  assertEquals(code, 0, login.stderr());
  assertEquals(issuer.refusals, []);
  rememberSecrets(...issuer.issued);
  const written = JSON.parse(await Deno.readTextFile(join(tmp.path, "auth.json")));
  assertEquals(written.tokens.access_token, issuer.issued[0].access_token);
});

Deno.test("e2e login: --help of login and logout; usage mistakes exit 2", async () => {
  const help = await runMain(["login", "--help"], { env: {} });
  assertEquals(help.code, 0);
  for (
    const flag of ["--device-auth", "--no-browser", "--no-open", "--issuer", "--callback-port"]
  ) {
    assertStringIncludes(help.stdout, flag);
  }
  const logoutHelp = await runMain(["logout", "--help"], { env: {} });
  assertEquals(logoutHelp.code, 0);
  assertStringIncludes(logoutHelp.stdout, "--yes");
  const top = await runMain(["--help"], { env: {} });
  for (const part of ["codexgate login", "codexgate logout", "CODEXGATE_LOGIN_ISSUER"]) {
    assertStringIncludes(top.stdout, part);
  }
  const bad = await runMain(["login", "--device-auth", "--no-browser"], { env: {} });
  assertEquals(bad.code, 2);
  assertEquals(bad.stdout, "");
  assertStringIncludes(bad.stderr, "codexgate login: --device-auth and --no-browser");
});
