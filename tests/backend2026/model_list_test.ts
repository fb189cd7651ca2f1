/**
 * `/v1/models` shows what the catalog says about each model's context window
 * and fast mode.
 */
import { assertEquals } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";

Deno.test("/v1/models: each model's context window and service tiers from the catalog", async () => {
  const app = inProcessApp();
  const res = await app.handler(new Request("http://codexgate.test/v1/models"));
  assertEquals(res.status, 200);
  const { data } = await res.json() as { data: Record<string, unknown>[] };
  const pick = (id: string) => {
    const m = data.find((e) => e.id === id)!;
    return [m.context_window, m.service_tiers];
  };
  assertEquals(pick("gpt-5.4"), [272000, ["priority", "fast"]]);
  assertEquals(pick("gpt-5.4-high"), [272000, ["priority", "fast"]]);
  assertEquals(pick("gpt-5.4-mini"), [128000, undefined]);
});
