import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { DENO_JSON } from "../support/run_main.ts";

const KEEP_SERVING = new URL("../../src/http/keep_serving.ts", import.meta.url).href;
const LOG = new URL("../../src/log.ts", import.meta.url).href;

Deno.test("keep serving: a stray rejection and a stray exception are logged, the process lives on", async () => {
  // A child process: an unhandled rejection would end this test runner too.
  const script = `
    import { keepServingOnStrayErrors } from ${JSON.stringify(KEEP_SERVING)};
    import { createLogger } from ${JSON.stringify(LOG)};
    keepServingOnStrayErrors(createLogger("info"));
    Promise.reject(new Error("nobody awaits this"));
    setTimeout(() => { throw new Error("thrown in a timer"); }, 0);
    await new Promise((r) => setTimeout(r, 200));
    console.log("still running");
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", DENO_JSON, script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assertStringIncludes(stdout, "still running");
  // Which of the two comes first depends on the timer and the machine's load.
  const lines = stderr.trim().split("\n").map((l) => JSON.parse(l))
    .sort((a, b) => String(b.msg).localeCompare(String(a.msg)));
  assertEquals(lines.map((l) => [l.level, l.msg]), [
    ["error", "unhandled promise rejection; codexgate keeps running"],
    ["error", "uncaught exception; codexgate keeps running"],
  ]);
  assertStringIncludes(lines[0].error, "nobody awaits this");
  assertStringIncludes(lines[1].error, "thrown in a timer");
});
