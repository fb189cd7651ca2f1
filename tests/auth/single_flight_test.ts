import { assertEquals } from "../support/assert.ts";
import { SingleFlight } from "../../src/auth/single_flight.ts";

Deno.test("SingleFlight.run() shares one call per key and forgets it once settled", async () => {
  const flight = new SingleFlight<number>();
  let calls = 0;
  const work = async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 20));
    return calls;
  };
  const results = await Promise.all(Array.from({ length: 20 }, () => flight.run("a", work)));
  assertEquals(results, Array(20).fill(1));
  assertEquals(calls, 1);
  assertEquals(flight.has("a"), false);
  assertEquals(await flight.run("a", work), 2);
});

Deno.test("SingleFlight.run() keeps keys apart and shares a failure", async () => {
  const flight = new SingleFlight<string>();
  let calls = 0;
  const boom = async (): Promise<string> => {
    calls++;
    await new Promise((r) => setTimeout(r, 10));
    throw new Error("boom");
  };
  const settled = await Promise.allSettled([
    flight.run("x", boom),
    flight.run("x", boom),
    flight.run("y", () => Promise.resolve("y")),
  ]);
  assertEquals(settled.map((s) => s.status), ["rejected", "rejected", "fulfilled"]);
  assertEquals(calls, 1);
});
