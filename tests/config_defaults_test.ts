/**
 * The embedded defaults (src/config/defaults.ts, what codexgate runs on
 * without a config file, loading neither YAML nor zod) are exactly what the
 * config schema gives for an empty file: adding a key with a default to the
 * schema and not to the defaults (or the other way round) fails here.
 */
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfigText } from "../src/config/load_config.ts";
import { defaultBackend, defaultConfig } from "../src/config/defaults.ts";
import { configSchema } from "../src/config/schema.ts";
import { CAPABILITY_VALUES } from "../src/capabilities/schema.ts";
import { validateOverride } from "../src/capabilities/capability_override.ts";
import { assertEquals } from "./support/assert.ts";

Deno.test("defaultConfig() is deep-equal to the schema's parse of {}", () => {
  assertEquals(defaultConfig(), configSchema.parse({}));
  assertEquals(defaultConfig(), parseConfigText("", "empty.yaml"));
});

Deno.test("defaultBackend() is deep-equal to the schema's parse of a backend with only its type", () => {
  const parsed = configSchema.parse({ backends: { mine: { type: "openai-codex" } } });
  assertEquals(defaultBackend(), parsed.backends.mine);
});

Deno.test("defaultConfig() hands out a fresh copy each time", () => {
  const first = defaultConfig();
  first.server.cors_origins.push("https://example.test");
  first.backends.openai_codex.models.push("x");
  first.backends.openai_codex.login.callback_ports.push(1);
  assertEquals(defaultConfig(), configSchema.parse({}));
});

Deno.test("loadConfig without a config file resolves the embedded defaults", () => {
  const config = loadConfig({ readTextFile: () => undefined });
  assertEquals(config.source, "embedded defaults");
  const { backends, default_backend: _d, source: _s, ...rest } = config;
  const { backends: expectedBackends, ...expectedRest } = configSchema.parse({});
  assertEquals(rest, expectedRest);
  assertEquals(Object.keys(backends), Object.keys(expectedBackends));
  assertEquals(DEFAULT_CONFIG_FILE, "config.yaml");
});

Deno.test("the config schema takes every capability key and value the request override takes", () => {
  for (const [key, values] of Object.entries(CAPABILITY_VALUES)) {
    for (const value of values) {
      const parsed = configSchema.parse({
        backends: {
          b: { type: "openai-codex", extra: { codex: { default_capabilities: { [key]: value } } } },
        },
      });
      assertEquals(parsed.backends.b.extra.codex.default_capabilities, { [key]: value });
      assertEquals(validateOverride("codex_capabilities", { [key]: value }), { [key]: value });
    }
  }
});
