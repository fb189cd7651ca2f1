import { join } from "node:path";
import OpenAI from "openai";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { errorOf, postChat } from "./ops_helpers.ts";

interface Entry {
  id: string;
  object: string;
  owned_by: string;
  backend: string;
  upstream_model: string;
  reasoning_efforts?: string[];
  reasoning_effort?: string;
  context_window?: number;
  protocol: string;
  alias_for?: string;
  catalog_source: string;
}

async function models(url: string): Promise<Entry[]> {
  const res = await fetch(`${url}/v1/models`);
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.object, "list");
  return body.data;
}

Deno.test("models: /v1/models lists visible models, effort variants and aliases (npm:openai)", async () => {
  await using proxy = await startProxy({
    configYaml: "aliases:\n  fast: gpt-5.4-mini\n  deep: gpt-5.4-xhigh\n  broken: gpt-4-nope\n",
  });
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assertEquals(ids, [
    "gpt-5.4",
    "gpt-5.4-fast",
    "gpt-5.4-low",
    "gpt-5.4-low-fast",
    "gpt-5.4-medium",
    "gpt-5.4-medium-fast",
    "gpt-5.4-high",
    "gpt-5.4-high-fast",
    "gpt-5.4-xhigh",
    "gpt-5.4-xhigh-fast",
    "gpt-5.4-mini",
    "gpt-5.4-mini-low",
    "gpt-5.4-mini-medium",
    "gpt-5.4-mini-high",
    "fast",
    "deep",
  ]);
  const data = await models(proxy.url);
  const base = data.find((m) => m.id === "gpt-5.4")!;
  assertEquals(base.object, "model");
  assertEquals(base.owned_by, "openai");
  assertEquals(base.backend, "openai_codex");
  assertEquals(base.upstream_model, "gpt-5.4");
  assertEquals(base.reasoning_efforts, ["low", "medium", "high", "xhigh"]);
  assertEquals(base.context_window, 272000);
  assertEquals(base.protocol, "openai-chat");
  assertEquals(base.catalog_source, "live");
  const high = data.find((m) => m.id === "gpt-5.4-high")!;
  assertEquals([high.upstream_model, high.reasoning_effort], ["gpt-5.4", "high"]);
  const deep = data.find((m) => m.id === "deep")!;
  assertEquals([deep.alias_for, deep.upstream_model, deep.reasoning_effort], [
    "gpt-5.4-xhigh",
    "gpt-5.4",
    "xhigh",
  ]);
  // Hidden models are not listed …
  assert(!data.some((m) => m.id === "codex-auto-review"));
  // … but usable and retrievable.
  const hidden = await fetch(`${proxy.url}/v1/models/codex-auto-review`);
  assertEquals(hidden.status, 200);
  assertEquals((await hidden.json()).upstream_model, "codex-auto-review");
  const { status } = await postChat(proxy.url, { model: "codex-auto-review" });
  assertEquals(status, 200);
  assertEquals(proxy.fake.calls[0].body!.model, "codex-auto-review");
  // The catalog was fetched once (TTL) with the client version.
  assertEquals(proxy.fake.modelCalls.length, 1);
  assertStringIncludes(proxy.fake.modelCalls[0].headers["authorization"], "Bearer ");
});

Deno.test("models: GET /v1/models/{id} for a model, a variant, an alias; unknown → 404", async () => {
  await using proxy = await startProxy({ configYaml: "aliases:\n  fast: gpt-5.4-mini\n" });
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  const mini = await client.models.retrieve("gpt-5.4-mini-high");
  assertEquals(mini.id, "gpt-5.4-mini-high");
  const fast = await fetch(`${proxy.url}/v1/models/fast`).then((r) => r.json());
  assertEquals([fast.id, fast.alias_for, fast.upstream_model], [
    "fast",
    "gpt-5.4-mini",
    "gpt-5.4-mini",
  ]);
  const res = await fetch(`${proxy.url}/v1/models/gpt-5.1-codex`);
  assertEquals(res.status, 404);
  const error = errorOf(await res.json());
  assertEquals(error.code, "model_not_found");
  assertStringIncludes(error.message, "`gpt-5.1-codex`");
  assertStringIncludes(error.message, "Available models: gpt-5.4, gpt-5.4-mini");
  assertEquals(error.request_id, res.headers.get("x-request-id"));
});

Deno.test("models: unknown or retired slug → 404 model_not_found listing models, nothing sent", async () => {
  await using proxy = await startProxy();
  for (const model of ["gpt-5.1-codex", "gpt-5.1-codex-high"]) {
    const { status, json } = await postChat(proxy.url, { model });
    assertEquals(status, 404);
    assertEquals(errorOf(json).code, "model_not_found");
    assertStringIncludes(errorOf(json).message, "Available models: gpt-5.4, gpt-5.4-mini");
  }
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("models: effort suffix and aliases route to the slug with that effort", async () => {
  await using proxy = await startProxy({
    configYaml: [
      "aliases:",
      "  fast: gpt-5.4-mini",
      "  deep: gpt-5.4-xhigh",
      "  second-deep: second:gpt-5.4-high",
      "backends:",
      "  main: { type: openai-codex }",
      "  second: { type: openai-codex }",
    ].join("\n"),
  });
  const sent = [];
  const names = [
    "gpt-5.4-high",
    "fast",
    "deep",
    "second-deep",
    "second:gpt-5.4-mini-low",
    // Efforts the model does not list: mapped to the nearest level it does.
    "gpt-5.4-mini-xhigh",
    "gpt-5.4-minimal",
  ];
  for (const model of names) {
    const { status } = await postChat(proxy.url, { model });
    assertEquals(status, 200, model);
    const body = proxy.fake.calls.at(-1)!.body!;
    sent.push([body.model, (body.reasoning as { effort?: string } | undefined)?.effort]);
  }
  assertEquals(sent, [
    ["gpt-5.4", "high"],
    ["gpt-5.4-mini", undefined],
    ["gpt-5.4", "xhigh"],
    ["gpt-5.4", "high"],
    ["gpt-5.4-mini", "low"],
    ["gpt-5.4-mini", "high"],
    ["gpt-5.4", "low"],
  ]);
  // The client's own reasoning_effort beats the suffix.
  await postChat(proxy.url, { model: "gpt-5.4-high", reasoning_effort: "low" });
  assertEquals((proxy.fake.calls.at(-1)!.body!.reasoning as { effort: string }).effort, "low");
  // The second backend's models are listed with their prefix.
  const ids = (await models(proxy.url)).map((m) => m.id);
  assert(ids.includes("second:gpt-5.4") && ids.includes("second:gpt-5.4-high"));
});

Deno.test("models: catalog down → $CODEX_HOME/models_cache.json → configured list", async () => {
  const cache = {
    fetched_at: "2026-11-20T10:00:00Z",
    etag: '"x"',
    models: [
      { slug: "gpt-5.5", visibility: "list", priority: 1, context_window: 400000 },
      { slug: "gpt-5.4", visibility: "list", priority: 2 },
    ],
  };
  {
    await using proxy = await startProxy();
    proxy.fake.setCatalogDown(true);
    await Deno.writeTextFile(join(proxy.codexHome, "models_cache.json"), JSON.stringify(cache));
    const data = await models(proxy.url);
    assertEquals(data.filter((m) => !m.reasoning_effort).map((m) => m.id), ["gpt-5.5", "gpt-5.4"]);
    assertEquals(data[0].catalog_source, "models_cache.json");
    assertEquals(data[0].context_window, 400000);
    // The cache is authoritative like the live catalog: an unknown name is refused.
    const { status } = await postChat(proxy.url, { model: "gpt-9" });
    assertEquals(status, 404);
    assert(proxy.logs.some((l) => l.includes("model catalog unavailable")));
  }
  {
    await using proxy = await startProxy({
      configYaml:
        "backends:\n  openai_codex: { type: openai-codex, models: [gpt-5.5, gpt-5.4-mini] }\n",
    });
    proxy.fake.setCatalogDown(true);
    const data = await models(proxy.url);
    assertEquals(data.map((m) => m.id), ["gpt-5.5", "gpt-5.4-mini"]);
    assertEquals(data[0].catalog_source, "configured list");
    // The configured list is a guess: names go through and the backend decides.
    const { status } = await postChat(proxy.url, { model: "gpt-5.4" });
    assertEquals(status, 200);
    assertEquals(proxy.fake.calls[0].body!.model, "gpt-5.4");
  }
});
