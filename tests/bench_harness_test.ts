/**
 * The bench's own parts: the upstream streams exactly the scenario's bytes
 * and checks the bearer; the load client counts events and bytes exactly and
 * refuses truncated or wrong-ended streams.
 */
import { parseBenchArgs } from "../bench/args.ts";
import { buildFrames, parseScenario, type Scenario, scenarioPrompt } from "../bench/scenario.ts";
import { runStream } from "../bench/sse_client.ts";
import { quantile } from "../bench/stats.ts";
import { backendTarget } from "../bench/targets.ts";
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
