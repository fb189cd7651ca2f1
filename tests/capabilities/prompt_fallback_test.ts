/**
 * `prompt_mode` with the model catalog unreachable: the Codex CLI's
 * models_cache.json, then codexgate's own short text; never empty instructions.
 */
import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { FALLBACK_INSTRUCTIONS } from "../../src/models/catalog.ts";

const CACHED = "CACHED INSTRUCTIONS from models_cache.json for gpt-5.4.";

async function ask(url: string, messages: unknown[], capabilities: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", messages, codex_capabilities: capabilities }),
  });
  assertEquals(res.status, 200);
  return (await res.json()).choices[0].message.content;
}

const USER_ONLY = [{ role: "user", content: "hi" }];
const WITH_SYSTEM = [{ role: "system", content: "Be terse." }, ...USER_ONLY];

Deno.test("prompt_mode codex_default, catalog down: models_cache.json's text", async () => {
  await using proxy = await startProxy();
  proxy.fake.setCatalogDown(true);
  await Deno.writeTextFile(
    join(proxy.codexHome, "models_cache.json"),
    JSON.stringify({
      fetched_at: "2026-11-20T10:00:00Z",
      etag: '"cli-cache-1"',
      client_version: "0.169.0",
      models: [{ slug: "gpt-5.4", visibility: "list", base_instructions: CACHED }],
    }),
  );
  assertEquals(await ask(proxy.url, WITH_SYSTEM), "Echo: hi");
  await ask(proxy.url, WITH_SYSTEM, { prompt_mode: "merge_custom" });
  await ask(proxy.url, USER_ONLY, { prompt_mode: "custom_only" });
  assertEquals(proxy.fake.modelCalls.length >= 1, true);
  assertEquals(proxy.fake.calls.map((c) => c.body!.instructions), [
    CACHED,
    `${CACHED}\n\nBe terse.`,
    CACHED,
  ]);
});

Deno.test("prompt_mode, catalog down and no models_cache.json: our fallback, never empty", async () => {
  await using proxy = await startProxy();
  proxy.fake.setCatalogDown(true);
  await ask(proxy.url, WITH_SYSTEM);
  await ask(proxy.url, USER_ONLY, { prompt_mode: "merge_custom" });
  await ask(proxy.url, USER_ONLY, { prompt_mode: "custom_only" });
  await ask(proxy.url, [{ role: "system", content: "   " }, ...USER_ONLY], {
    prompt_mode: "custom_only",
  });
  const instructions = proxy.fake.calls.map((c) => c.body!.instructions);
  assertEquals(instructions, Array(4).fill(FALLBACK_INSTRUCTIONS));
  // The client's system prompt still travels, as a developer message.
  assertEquals(proxy.fake.calls[0].body!.input, [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "Be terse." }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
  ]);
});

Deno.test("prompt_mode: a live catalog entry without instructions falls back to the cache", async () => {
  await using proxy = await startProxy({
    fake: { models: [{ slug: "gpt-5.4", visibility: "list", supported_in_api: true }] },
  });
  await Deno.writeTextFile(
    join(proxy.codexHome, "models_cache.json"),
    JSON.stringify({ models: [{ slug: "gpt-5.4", base_instructions: CACHED }] }),
  );
  await ask(proxy.url, USER_ONLY);
  await Deno.remove(join(proxy.codexHome, "models_cache.json"));
  await ask(proxy.url, USER_ONLY);
  assertEquals(proxy.fake.calls.map((c) => c.body!.instructions), [CACHED, FALLBACK_INSTRUCTIONS]);
});
