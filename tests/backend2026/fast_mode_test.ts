/**
 * Fast mode through every wire, in-process: `service_tier` fast/priority,
 * the `-fast` model suffix and the `service_tier` capability go upstream as
 * `priority` only where the catalog offers it; other tiers never go up; the
 * finished request says which tier ran.
 */
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";

const chat = (extra: Record<string, unknown>) => ({
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

Deno.test("fast mode: service_tier fast/priority from each wire goes upstream as priority", async () => {
  const app = inProcessApp();
  const cases: [string, Record<string, unknown>][] = [
    ["/v1/chat/completions", chat({ model: "gpt-5.4", service_tier: "fast" })],
    ["/v1/chat/completions", chat({ model: "gpt-5.4", service_tier: "priority" })],
    ["/v1/responses", { model: "gpt-5.4", input: "hi", service_tier: "priority" }],
    ["/v1/messages", {
      model: "gpt-5.4",
      max_tokens: 50,
      service_tier: "fast",
      messages: [{ role: "user", content: "hi" }],
    }],
  ];
  for (const [path, body] of cases) {
    const res = await app.post(path, body);
    assertEquals(res.status, 200, `${path}: ${await res.clone().text()}`);
    await res.body?.cancel();
  }
  assertEquals(app.calls.map((c) => c.body.service_tier), [
    "priority",
    "priority",
    "priority",
    "priority",
  ]);
  assertEquals(app.finished.map((f) => f.serviceTier), [
    "priority",
    "priority",
    "priority",
    "priority",
  ]);
  const line = app.logs.find((l) => l.includes('"service_tier":"priority"'));
  assertEquals(line !== undefined, true, "the request log line names the tier");
});

Deno.test("fast mode: a -fast model suffix (with or without an effort) means priority", async () => {
  const app = inProcessApp();
  await (await app.post("/v1/chat/completions", chat({ model: "gpt-5.4-fast" }))).text();
  await (await app.post("/v1/chat/completions", chat({ model: "gpt-5.4-high-fast" }))).text();
  const sent = app.calls.map((c) => c.body);
  assertEquals(sent.map((b) => [b.model, b.service_tier]), [
    ["gpt-5.4", "priority"],
    ["gpt-5.4", "priority"],
  ]);
  assertEquals((sent[1].reasoning as { effort: string }).effort, "high");
});

Deno.test("fast mode: other tiers never go upstream; the record says default", async () => {
  const app = inProcessApp();
  for (const tier of ["auto", "default", "flex", "scale", "standard_only"]) {
    const res = await app.post(
      "/v1/chat/completions",
      chat({ model: "gpt-5.4", service_tier: tier }),
    );
    assertEquals(res.status, 200, tier);
    await res.body?.cancel();
  }
  assertEquals(app.calls.every((c) => !("service_tier" in c.body)), true);
  assertEquals(app.finished.map((f) => f.serviceTier), Array(5).fill("default"));
});

Deno.test("fast mode: a model whose catalog lists no priority tier gets a clear 400", async () => {
  const app = inProcessApp();
  const res = await app.post("/v1/chat/completions", chat({ model: "gpt-5.4-mini-fast" }));
  assertEquals(res.status, 400);
  const { error } = await res.json();
  assertEquals([error.code, error.param], ["unsupported_value", "service_tier"]);
  assertStringIncludes(error.message, "gpt-5.4-mini");
  const anthropic = await app.post("/v1/messages", {
    model: "gpt-5.4-mini",
    max_tokens: 10,
    service_tier: "priority",
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(anthropic.status, 400);
  assertEquals((await anthropic.json()).type, "error");
  assertEquals(app.calls.length, 0, "nothing went upstream");
});

Deno.test("fast mode: the service_tier capability is a default, used only where offered", async () => {
  const app = inProcessApp({
    configYaml: `
backends:
  openai_codex:
    type: openai-codex
    extra: { codex: { default_capabilities: { service_tier: fast } } }
`,
  });
  await (await app.post("/v1/chat/completions", chat({ model: "gpt-5.4" }))).text();
  await (await app.post("/v1/chat/completions", chat({ model: "gpt-5.4-mini" }))).text();
  // A request's own standard tier beats the default.
  await (await app.post(
    "/v1/chat/completions",
    chat({ model: "gpt-5.4", service_tier: "default" }),
  ))
    .text();
  assertEquals(app.calls.map((c) => c.body.service_tier), ["priority", undefined, undefined]);
  assertEquals(app.finished.map((f) => f.serviceTier), ["priority", "default", "default"]);
});
