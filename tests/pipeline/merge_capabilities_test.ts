import { assertEquals } from "../support/assert.ts";
import { mergeCapabilities } from "../../src/pipeline/merge_capabilities.ts";
import { testBackend } from "./stage_fixtures.ts";

const RESPONSES_BACKEND = `
backends:
  b:
    type: openai-codex
    extra:
      codex:
        default_capabilities:
          protocol: openai-responses
          prompt_mode: merge_custom
`;

Deno.test("mergeCapabilities() layers built-in defaults, backend defaults and the request's override", () => {
  const backend = testBackend(RESPONSES_BACKEND);
  assertEquals(mergeCapabilities(backend), {
    protocol: "openai-responses",
    codex_passthrough: true,
    prompt_mode: "merge_custom",
    tool_schema_mode: "custom_only",
    tool_text_format: "none",
    bypass_tool_call_reactor: true,
    include_environment_context: false,
    service_tier: "default",
    auto_compact: false,
  });
  const merged = mergeCapabilities(backend, {
    prompt_mode: "custom_only",
    tool_text_format: "xml",
  });
  assertEquals([merged.prompt_mode, merged.tool_text_format], ["custom_only", "xml"]);
  assertEquals(Object.isFrozen(merged), true);
});

Deno.test("mergeCapabilities(): codex_passthrough follows protocol unless a layer sets it", () => {
  assertEquals(mergeCapabilities(testBackend()).codex_passthrough, false);
  assertEquals(
    mergeCapabilities(testBackend(), { protocol: "openai-responses" }).codex_passthrough,
    true,
  );
  assertEquals(
    mergeCapabilities(testBackend(RESPONSES_BACKEND), { codex_passthrough: false })
      .codex_passthrough,
    false,
  );
});
