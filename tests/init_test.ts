import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./support/assert.ts";
import { freePort, runMain } from "./support/run_main.ts";
import { runInit } from "../src/cli/init.ts";
import type { CliIo } from "../src/cli/cli_io.ts";
import { parseConfigText } from "../src/config/load_config.ts";

const EXAMPLE_ON_DISK = await Deno.readTextFile(new URL("../config.example.yaml", import.meta.url));

function captureIo(): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

async function tempDir(): Promise<string & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "codexgate-init-" });
  return Object.assign(dir, {
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  }) as string & AsyncDisposable;
}

Deno.test("init: `codexgate init` writes the commented example to ./config.yaml", async () => {
  await using dir = await tempDir();
  const { code, stdout, stderr } = await runMain(["init"], { cwd: String(dir), env: {} });
  assertEquals(code, 0, stderr);
  const written = await Deno.readTextFile(join(String(dir), "config.yaml"));
  assertEquals(written, EXAMPLE_ON_DISK);
  assertStringIncludes(written, "# codexgate configuration.");
  parseConfigText(written, "config.yaml"); // valid as written
  assertStringIncludes(stdout, "Wrote config.yaml.");
  // The proxy started in that directory now reads it (nothing listens at `closed`).
  const closed = `http://127.0.0.1:${freePort()}`;
  const { code: doctorCode, stdout: doctorOut } = await runMain(
    ["doctor", "--timeout", "0.5"],
    {
      cwd: String(dir),
      env: {
        HOME: String(dir),
        USERPROFILE: String(dir),
        CODEX_HOME: String(dir),
        OPENAI_CODEX_PATH: "",
        OPENAI_API_BASE_URL: `${closed}/backend-api/codex`,
        CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${closed}/oauth/token`,
      },
    },
  );
  assertEquals(doctorCode, 1); // no sign-in and nothing listening: expected failures
  assertStringIncludes(doctorOut, "[ok]   config: config.yaml is valid");
});

Deno.test("init: refuses to overwrite an existing file without --force", async () => {
  await using dir = await tempDir();
  const path = join(String(dir), "config.yaml");
  await Deno.writeTextFile(path, "log_level: debug\n");
  const io = captureIo();
  assertEquals(await runInit(["--path", path], { io }), 1);
  assertEquals(await Deno.readTextFile(path), "log_level: debug\n");
  assertEquals(io.outLines, []);
  assertEquals(io.errLines, [
    `codexgate init: ${path} already exists; not overwritten.`,
    "Pass --force to replace it, or --path <file> to write somewhere else.",
  ]);
});

Deno.test("init: --force replaces an existing file", async () => {
  await using dir = await tempDir();
  const path = join(String(dir), "config.yaml");
  await Deno.writeTextFile(path, "log_level: debug\n".repeat(500));
  const io = captureIo();
  assertEquals(await runInit(["--path", path, "--force"], { io }), 0);
  assertEquals(await Deno.readTextFile(path), EXAMPLE_ON_DISK);
  assertEquals(io.errLines, []);
});

Deno.test("init: --path to a directory writes config.yaml inside it", async () => {
  await using dir = await tempDir();
  const io = captureIo();
  assertEquals(await runInit(["--path", String(dir)], { io }), 0);
  assertEquals(await Deno.readTextFile(join(String(dir), "config.yaml")), EXAMPLE_ON_DISK);
  assertStringIncludes(io.outLines[0], `Wrote ${join(String(dir), "config.yaml")}.`);
});

Deno.test("init: a directory that does not exist → exit 1 with the reason", async () => {
  await using dir = await tempDir();
  const io = captureIo();
  const path = join(String(dir), "missing", "config.yaml");
  assertEquals(await runInit(["--path", path], { io }), 1);
  assertMatch(io.errLines[0], new RegExp(`^codexgate init: cannot write .*missing`));
});

Deno.test("init: unknown flags → exit 2 and nothing written", async () => {
  await using dir = await tempDir();
  const io = captureIo();
  assertEquals(await runInit(["--path", String(dir), "--overwrite"], { io }), 2);
  assertMatch(io.errLines[0], /^codexgate init: .*--overwrite.*init --help/);
  assert((await Array.fromAsync(Deno.readDir(String(dir)))).length === 0);
});
