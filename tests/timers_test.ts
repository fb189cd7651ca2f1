/**
 * src/timers.ts: the serving path's timers without `setTimeout` (which loads
 * Deno's Node compatibility layer). Each timer fires once, not before its
 * time, in deadline order; a cancelled one never fires; a failing callback
 * is reported and the others still run.
 */
import { startTimer } from "../src/timers.ts";
import { assert, assertEquals } from "./support/assert.ts";

const after = (ms: number) => new Promise<void>((resolve) => startTimer(ms, resolve));

Deno.test("timers: fire once, in deadline order, never early", async () => {
  const fired: [string, number][] = [];
  const t0 = performance.now();
  const done = Promise.all(
    [["c", 60], ["a", 10], ["b", 30], ["a2", 10]].map(([name, ms]) =>
      new Promise<void>((resolve) =>
        startTimer(ms as number, () => {
          fired.push([name as string, performance.now() - t0]);
          resolve();
        })
      )
    ),
  );
  await done;
  await after(80);
  assertEquals(fired.map(([name]) => name), ["a", "a2", "b", "c"]);
  for (const [name, at] of fired) {
    const wanted = { a: 10, a2: 10, b: 30, c: 60 }[name]!;
    assert(at >= wanted - 1, `${name} fired at ${at} ms, before ${wanted} ms`);
  }
});

Deno.test("timers: a cancelled timer never fires, and cancelling twice is harmless", async () => {
  let fired = 0;
  const early = startTimer(5, () => fired++);
  const late = startTimer(40, () => fired++);
  early.cancel();
  early.cancel();
  await after(60);
  assertEquals(fired, 1);
  late.cancel();
});

Deno.test("timers: a timer started from a callback, and an earlier one started later, both fire", async () => {
  const order: string[] = [];
  const nested = new Promise<void>((resolve) =>
    startTimer(20, () => {
      order.push("outer");
      startTimer(5, () => {
        order.push("inner");
        resolve();
      });
    })
  );
  // Started after a long timer is armed, due before it: arms an earlier runtime timer.
  startTimer(500, () => order.push("long")).cancel();
  await after(2);
  await nested;
  assertEquals(order, ["outer", "inner"]);
});

Deno.test("timers: a callback that throws is reported; the others due with it still run", async () => {
  const reported: unknown[] = [];
  const onError = (e: ErrorEvent) => {
    reported.push(e.error);
    e.preventDefault();
  };
  globalThis.addEventListener("error", onError);
  try {
    let ran = false;
    startTimer(5, () => {
      throw new Error("boom");
    });
    startTimer(5, () => (ran = true));
    await after(30);
    assert(ran);
    assertEquals((reported[0] as Error).message, "boom");
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

Deno.test("timers: a script whose long timer was cancelled ends at once, not at that timer's deadline", async () => {
  const script = `
    import { startTimer } from ${JSON.stringify(new URL("../src/timers.ts", import.meta.url).href)};
    const timer = startTimer(600_000, () => console.log("fired"));
    timer.cancel();
    console.log("cancelled");
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Bounded well below the 10-minute deadline, generously above the second it may take.
  let guard: { cancel(): void } | undefined;
  const ended = await Promise.race([
    child.output().then((out) => new TextDecoder().decode(out.stdout).trim()),
    new Promise<string>((resolve) => guard = startTimer(30_000, () => resolve("still running"))),
  ]);
  guard?.cancel();
  if (ended === "still running") child.kill("SIGKILL");
  assertEquals(ended, "cancelled");
});
