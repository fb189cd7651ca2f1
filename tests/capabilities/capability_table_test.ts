/**
 * Every capability key × every value through the Chat Completions frontend:
 * the exact upstream body the fake received and what an npm:openai client
 * saw, streamed and not.
 */
import { assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { CAPABILITY_VALUES } from "../../src/capabilities/schema.ts";
import { chatOnce, chatStream } from "./chat_client.ts";
import {
  BASE,
  CONFIG,
  reply,
  REQUEST,
  ROWS,
  runRows,
  TEXT_ANSWER,
  UPSTREAM_CLIENT_TOOLS,
} from "./capability_rows.ts";

Deno.test("capabilities table: the rows cover every key and every allowed value", () => {
  for (const [key, values] of Object.entries(CAPABILITY_VALUES)) {
    const covered = ROWS.filter((r) => r.key === key).map((r) => r.value);
    assertEquals(covered, [...values], `values of ${key}`);
  }
});

Deno.test("capabilities table: chat, each key × value, streamed and not", async () => {
  await using proxy = await startProxy({ configYaml: CONFIG });
  // The baseline: no override at all.
  proxy.fake.enqueue(reply("text"));
  TEXT_ANSWER(await chatOnce(proxy.url, { body: REQUEST }));
  const baseline = proxy.fake.calls[0].body!;
  assertEquals(baseline.instructions, BASE);
  assertEquals(baseline.tools, UPSTREAM_CLIENT_TOOLS);

  await runRows(proxy, ROWS, REQUEST, { baseline, sends: [chatOnce, chatStream] });
});

Deno.test("capabilities: /health shows each backend's effective defaults; protocol sets passthrough", async () => {
  await using proxy = await startProxy({
    configYaml: `
backends:
  chat_tuned: { type: openai-codex }
  responses_tuned:
    type: openai-codex
    extra: { codex: { default_capabilities: { protocol: openai-responses, prompt_mode: custom_only } } }
`,
  });
  const health = await (await fetch(`${proxy.url}/health`)).json();
  assertEquals(health.backends.chat_tuned.default_capabilities, {
    protocol: "openai-chat",
    codex_passthrough: false,
    prompt_mode: "codex_default",
    tool_schema_mode: "custom_only",
    tool_text_format: "none",
    bypass_tool_call_reactor: true,
    include_environment_context: false,
    service_tier: "default",
    auto_compact: false,
  });
  assertEquals(health.backends.responses_tuned.default_capabilities, {
    protocol: "openai-responses",
    codex_passthrough: true,
    prompt_mode: "custom_only",
    tool_schema_mode: "custom_only",
    tool_text_format: "none",
    bypass_tool_call_reactor: true,
    include_environment_context: false,
    service_tier: "default",
    auto_compact: false,
  });
  const models = await (await fetch(`${proxy.url}/v1/models`)).json();
  const byBackend = new Map<string, { protocol: string; capabilities: Record<string, unknown> }>(
    models.data.map((m: { backend: string }) => [m.backend, m]),
  );
  assertEquals(byBackend.get("chat_tuned")!.protocol, "openai-chat");
  assertEquals(
    byBackend.get("chat_tuned")!.capabilities,
    health.backends.chat_tuned.default_capabilities,
  );
  assertEquals(byBackend.get("responses_tuned")!.protocol, "openai-responses");
  assertEquals(
    byBackend.get("responses_tuned")!.capabilities,
    health.backends.responses_tuned.default_capabilities,
  );
  // Backend defaults apply without any override.
  proxy.fake.enqueue(reply("text"));
  TEXT_ANSWER(
    await chatOnce(proxy.url, { body: { ...REQUEST, model: "responses_tuned:gpt-5.4" } }),
  );
  assertEquals(proxy.fake.calls[0].body!.instructions, "Be terse.");
});
