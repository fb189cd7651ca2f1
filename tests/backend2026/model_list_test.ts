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

Deno.test("/v1/models: fast-mode names for the models that offer it, and each one asks for the priority tier", async () => {
  const app = inProcessApp();
  const res = await app.handler(new Request("http://codexgate.test/v1/models"));
  const { data } = await res.json() as { data: Record<string, unknown>[] };
  const ids = new Set(data.map((e) => e.id));
  const entry = (id: string) => data.find((e) => e.id === id);
  assertEquals(entry("gpt-5.4-fast")?.service_tier, "priority");
  assertEquals(entry("gpt-5.4-high-fast")?.service_tier, "priority");
  assertEquals(entry("gpt-5.4-high-fast")?.reasoning_effort, "high");
  assertEquals(entry("gpt-5.4")?.service_tier, undefined, "the plain name stays standard");
  // A model without the priority tier gets no fast names.
  assertEquals(
    [...ids].filter((id) => String(id).startsWith("gpt-5.4-mini") && String(id).endsWith("-fast")),
    [],
  );

  // Every listed fast name is usable, and goes up as gpt-5.4 with service_tier priority.
  for (const id of ["gpt-5.4-fast", "gpt-5.4-high-fast"]) {
    const answer = await app.post("/v1/chat/completions", {
      model: id,
      messages: [{ role: "user", content: "hi" }],
    });
    assertEquals(answer.status, 200, await answer.text());
    const sent = app.calls.at(-1)!.body;
    assertEquals([sent.model, sent.service_tier], ["gpt-5.4", "priority"]);
  }
  const one = await app.handler(new Request("http://codexgate.test/v1/models/gpt-5.4-high-fast"));
  assertEquals((await one.json()).service_tier, "priority");
});
