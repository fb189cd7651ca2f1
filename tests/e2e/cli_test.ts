import { assert, assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { runMain, startMain } from "../support/run_main.ts";
import denoJson from "../../deno.json" with { type: "json" };

Deno.test("cli: --version prints deno.json's version", async () => {
  const { code, stdout } = await runMain(["--version"]);
  assertEquals(code, 0);
  assertEquals(stdout.trim(), `codexgate ${denoJson.version}`);
});

Deno.test("cli: --help shows usage, flags, env vars and an example", async () => {
  const { code, stdout } = await runMain(["--help"]);
  assertEquals(code, 0);
  for (
    const part of [
      "Usage:",
      "--port",
      "--host",
      "--config",
      "--log-level",
      "OPENAI_CODEX_PATH",
      "CODEX_HOME",
      "OPENAI_API_BASE_URL",
      "CODEX_REFRESH_TOKEN_URL_OVERRIDE",
      "Example:",
    ]
  ) {
    assertStringIncludes(stdout, part);
  }
});

Deno.test("cli: unknown flag → exit 2, one line, hint to --help", async () => {
  const { code, stderr, stdout } = await runMain(["--bogus"]);
  assertEquals(code, 2);
  assertEquals(stdout, "");
  assertEquals(stderr.trim().split("\n").length, 1);
  assertMatch(stderr, /--bogus.*--help/);
});

Deno.test("cli: bad --port → exit 2", async () => {
  const { code, stderr } = await runMain(["--port", "abc"]);
  assertEquals(code, 2);
  assertStringIncludes(stderr, "--port");
});

Deno.test("cli: bad config exits non-zero naming file, path and expectation", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.yaml`;
    await Deno.writeTextFile(
      path,
      "backends:\n  openai_codex:\n    type: openai-codex\n    extra:\n      codex:\n        default_capabilities:\n          prompt_mode: foo\n",
    );
    const { code, stderr } = await runMain(["--config", path]);
    assertEquals(code, 1);
    assertStringIncludes(stderr, path);
    assertStringIncludes(
      stderr,
      'backends.openai_codex.extra.codex.default_capabilities.prompt_mode: expected one of codex_default, merge_custom, custom_only, got "foo"',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: serves /health with embedded defaults and reads ./config.yaml when present", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const env = { HOME: dir, CODEX_HOME: dir, PATH: Deno.env.get("PATH") ?? "" };
    {
      await using server = await startMain([], { env, cwd: dir });
      const res = await fetch(`${server.url}/health`);
      assertEquals(res.status, 200);
      assertEquals((await res.json()).status, "ok");
      assertStringIncludes(server.stderr(), "embedded defaults");
    }
    await Deno.writeTextFile(`${dir}/config.yaml`, "log_level: info\n");
    {
      await using server = await startMain([], { env, cwd: dir });
      const res = await fetch(`${server.url}/health`);
      assert(res.ok);
      await res.body?.cancel();
      assertStringIncludes(server.stderr(), '"config":"config.yaml"');
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: a port already in use → exit 1 with one line naming the address", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  const home = await Deno.makeTempDir({ prefix: "codexgate-port-" });
  try {
    const { code, stderr } = await runMain(["--port", String(port)], {
      env: { HOME: home, CODEX_HOME: home, XDG_DATA_HOME: home },
      cwd: home,
    });
    assertEquals(code, 1, stderr);
    assertStringIncludes(stderr, `codexgate: cannot listen on 127.0.0.1:${port}`);
    assert(!stderr.includes("unhandled"), stderr);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
