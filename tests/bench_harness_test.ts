/**
 * The bench's own parts: the upstream streams exactly the scenario's bytes
 * and checks the bearer; the load client counts events and bytes exactly and
 * refuses truncated or wrong-ended streams; the Deno floor translates every
 * delta; codexgate is started with the start task's flags; a CPU profile is
 * read the way the report says.
 */
import { fileURLToPath } from "node:url";
import { parseBenchArgs } from "../bench/args.ts";
import { freePort, spawnChild } from "../bench/child_process.ts";
import { kindOf, summarizeProfile } from "../bench/cpu_profile.ts";
import { buildFrames, parseScenario, type Scenario, scenarioPrompt } from "../bench/scenario.ts";
import { runStream } from "../bench/sse_client.ts";
import { quantile } from "../bench/stats.ts";
import { backendTarget, chatTarget } from "../bench/targets.ts";
import { startTaskFlags, withoutV8Flags } from "../bench/targets_setup.ts";
import { startUpstream } from "../bench/upstream.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "./support/assert.ts";

const AUTH = { accessToken: "at-bench-test", accountId: "acct-bench" };

async function withUpstream(fn: (origin: string) => Promise<void>): Promise<void> {
  const { port, server } = await startUpstream({ port: 0, ...AUTH });
  try {
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("bench: the scenario survives a round trip through its prompt", () => {
  const s: Scenario = { deltas: 123, deltaBytes: 45, delayMs: 6, flood: true };
  assertEquals(parseScenario(`{"input":"${scenarioPrompt(s)}"}`), s);
  assertEquals(parseScenario("{}"), undefined);
});

Deno.test("bench: client counts every event and byte, in every upstream write mode", async () => {
  await withUpstream(async (origin) => {
    const target = backendTarget("direct", origin, AUTH, () => []);
    for (
      const s of [
        { deltas: 3000, deltaBytes: 64, delayMs: 0, flood: true },
        { deltas: 50, deltaBytes: 300, delayMs: 0, flood: false },
        { deltas: 3, deltaBytes: 10, delayMs: 5, flood: false },
      ]
    ) {
      const frames = buildFrames(s);
      const r = await runStream(target.request(s));
      assertEquals(r.error, undefined);
      assert(r.ok);
      assertEquals(r.events, frames.events);
      assertEquals(r.bytes, frames.bytes);
      assert(r.ttfbMs > 0 && r.ttfbMs <= r.ttlbMs);
    }
  });
});

Deno.test("bench: a wrong bearer is refused and reported as an error", async () => {
  await withUpstream(async (origin) => {
    const target = backendTarget("direct", origin, { ...AUTH, accessToken: "wrong" }, () => []);
    const r = await runStream(
      target.request({ deltas: 1, deltaBytes: 8, delayMs: 0, flood: false }),
    );
    assert(!r.ok);
    assertEquals(r.status, 401);
    assertStringIncludes(r.error ?? "", "HTTP 401");
  });
});

Deno.test("bench: a stream without its terminal event or with too few events fails", async () => {
  await withUpstream(async (origin) => {
    const target = backendTarget("direct", origin, AUTH, () => []);
    const s = { deltas: 5, deltaBytes: 8, delayMs: 0, flood: false };
    const wrongEnd = await runStream({ ...target.request(s), terminal: "data: [DONE]" });
    assert(!wrongEnd.ok);
    assertStringIncludes(wrongEnd.error ?? "", "did not end with");
    const short = await runStream({ ...target.request(s), minEvents: 1000 });
    assert(!short.ok);
    assertStringIncludes(short.error ?? "", "only");
  });
});

Deno.test("bench: nearest-rank quantiles", () => {
  const v = Array.from({ length: 200 }, (_, i) => 200 - i);
  assertEquals(quantile(v, 0.5), 100);
  assertEquals(quantile(v, 0.99), 198);
  assertEquals(quantile([7], 0.99), 7);
  assert(Number.isNaN(quantile([], 0.5)));
});

Deno.test("bench: arguments install nothing unless --install-nginx asks for it", () => {
  assertEquals(parseBenchArgs([]), { quick: false, nginx: true, installNginx: false });
  assertEquals(parseBenchArgs(["--quick", "--install-nginx"]).installNginx, true);
  assertEquals(parseBenchArgs(["--install-nginx", "--no-nginx"]).installNginx, false);
  assertEquals(parseBenchArgs(["--no-install"]).installNginx, false);
  assertEquals(parseBenchArgs(["--out", "x.md"]).out, "x.md");
  assertStringIncludes((assertThrows(() => parseBenchArgs(["--nope"])) as Error).message, "--nope");
  assertStringIncludes((assertThrows(() => parseBenchArgs(["--out"])) as Error).message, "--out");
});

Deno.test("bench: codexgate starts with the flags of `deno task start`, and without its V8 flags", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const file = `${dir}/deno.json`;
    Deno.writeTextFileSync(
      file,
      JSON.stringify({
        tasks: { start: "deno run -P=proxy --v8-flags=--max-semi-space-size=1 main.ts" },
      }),
    );
    const flags = startTaskFlags(file);
    assertEquals(flags, ["-P=proxy", "--v8-flags=--max-semi-space-size=1"]);
    assertEquals(withoutV8Flags(flags), ["-P=proxy"]);
    Deno.writeTextFileSync(file, JSON.stringify({ tasks: { start: "node main.js" } }));
    assertThrows(() => startTaskFlags(file));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  // The repository's own start task is one the bench can run.
  assert(startTaskFlags().some((f) => f.startsWith("-P") || f.startsWith("--allow")));
});

Deno.test("bench: the Deno floor streams every delta as a chat chunk, then [DONE]", async () => {
  await withUpstream(async (origin) => {
    const port = freePort();
    const floor = await spawnChild({
      command: Deno.execPath(),
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-env",
        fileURLToPath(new URL("../bench/floor.ts", import.meta.url)),
        "--port",
        `${port}`,
      ],
      env: {
        BENCH_UPSTREAM: `${origin}/backend-api/codex`,
        BENCH_ACCESS_TOKEN: AUTH.accessToken,
        BENCH_ACCOUNT_ID: AUTH.accountId,
      },
      readyUrl: `http://127.0.0.1:${port}/health`,
    });
    try {
      const target = chatTarget("floor", `http://127.0.0.1:${port}`, () => []);
      for (
        const s of [
          { deltas: 40, deltaBytes: 16, delayMs: 0, flood: false },
          { deltas: 3000, deltaBytes: 64, delayMs: 0, flood: true },
        ]
      ) {
        const r = await runStream(target.request(s));
        assertEquals(r.error, undefined);
        // role chunk + one per delta + finish chunk + [DONE]
        assertEquals(r.events, s.deltas + 3);
      }
    } finally {
      await floor.stop();
    }
  });
});

Deno.test("bench: a CPU profile is split by kind of code, after the last idle stretch", () => {
  const frame = (id: number, functionName: string, url: string) => ({
    id,
    callFrame: { functionName, url, lineNumber: 9 },
  });
  const profile = {
    nodes: [
      frame(1, "(idle)", ""),
      frame(2, "startup", "file:///x/main.ts"),
      frame(3, "handle", "file:///x/src/app.ts"),
      frame(4, "(garbage collector)", ""),
      frame(5, "pull", "ext:deno_web/06_streams.js"),
    ],
    startTime: 0,
    endTime: 0,
    // startup, then 500 ms idle, then the measured requests.
    samples: [2, 2, 1, 1, 1, 1, 1, 3, 3, 3, 4, 5, 1],
    timeDeltas: [
      0,
      1000,
      1000,
      100_000,
      100_000,
      100_000,
      100_000,
      100_000,
      1000,
      1000,
      1000,
      1000,
      1000,
    ],
  };
  const summary = summarizeProfile(profile, { idleMs: 300 });
  assert(summary.windowFound);
  assertEquals(summary.busyMs, 5);
  assertEquals(summary.byKind.map((k) => [k.name, k.ms]), [
    ["codexgate's own code", 3],
    ["GC", 1],
    ["web streams", 1],
  ]);
  assertEquals(summary.topFunctions[0].name, "handle (src/app.ts:10)");
  assertEquals(kindOf("parse", ""), "V8 built-ins (JSON, strings, regexps, …)");
  assertEquals(
    kindOf("x", "file:///root/.cache/deno/npm/registry.npmjs.org/zod/4.0.0/index.js"),
    "npm packages",
  );
});
