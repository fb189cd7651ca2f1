import { assert, assertEquals, assertStringIncludes, assertThrows } from "./support/assert.ts";
import { loadConfig, parseConfigText, resolveConfig } from "../src/config/load_config.ts";
import { ConfigError } from "../src/errors.ts";
import { ENTHUSIAST_MODE } from "../src/capabilities/schema.ts";
import { mergeCapabilityLayers } from "../src/capabilities/merge_capability_layers.ts";
import exampleYaml from "../config.example.yaml" with { type: "text" };

Deno.test("config: no file gives the embedded defaults (Profile A)", () => {
  const config = loadConfig({ env: {}, readTextFile: () => undefined });
  assertEquals(config.source, "embedded defaults");
  assertEquals(config.server.host, "127.0.0.1");
  assertEquals(config.server.port, 8000);
  assertEquals(Object.keys(config.backends), ["openai_codex"]);
  assertEquals(config.default_backend, "openai_codex");
  const backend = config.backends.openai_codex;
  assertEquals(backend.base_url, "https://chatgpt.com/backend-api/codex");
  assertEquals(backend.token_url, "https://auth.openai.com/oauth/token");
  assertEquals(backend.timeout, 120);
  assertEquals(backend.extra.codex.default_capabilities, {});
  assertEquals(ENTHUSIAST_MODE.prompt_mode, "codex_default");
});

Deno.test("config: the seed's schema is accepted verbatim", () => {
  const config = parseConfigText(
    `backends:
  openai_codex:
    type: openai-codex
    timeout: 120
    extra:
      codex:
        default_capabilities: { protocol: openai-chat, codex_passthrough: false, prompt_mode: codex_default, tool_schema_mode: custom_only, tool_text_format: none, bypass_tool_call_reactor: true, include_environment_context: false }
`,
    "seed.yaml",
  );
  assertEquals(
    config.backends.openai_codex.extra.codex.default_capabilities.prompt_mode,
    "codex_default",
  );
});

Deno.test("config: config.example.yaml loads, and the values it shows are the defaults", () => {
  const load = (text: string, source: string) =>
    resolveConfig(parseConfigText(text, source), { env: {}, flags: {}, source });
  const example = load(exampleYaml, "config.example.yaml");
  const defaults = load("{}", "empty");
  // The example promises "with no config file at all, codexgate runs with the defaults shown
  // here": everything but its sample alias and sample reactor rules must equal the defaults.
  assertEquals(example.server, defaults.server);
  assertEquals(example.log_level, defaults.log_level);
  assertEquals(example.default_backend, defaults.default_backend);
  assertEquals(example.responses_store, defaults.responses_store);
  assertEquals(Object.keys(example.backends), Object.keys(defaults.backends));
  const { extra: exampleExtra, ...exampleBackend } = example.backends.openai_codex;
  const { extra: defaultExtra, ...defaultBackend } = defaults.backends.openai_codex;
  assertEquals(exampleBackend, defaultBackend);
  const { default_capabilities: exampleCaps, reactor_rules: _rules, ...exampleCodex } =
    exampleExtra.codex;
  const { default_capabilities: defaultCaps, reactor_rules: _none, ...defaultCodex } =
    defaultExtra.codex;
  assertEquals(exampleCodex, defaultCodex);
  assertEquals(mergeCapabilityLayers(exampleCaps), mergeCapabilityLayers(defaultCaps));
  assert(exampleExtra.codex.reactor_rules.length > 0, "the example ships sample reactor rules");
});

Deno.test("config: a bad enum names the file, the path, the allowed values and the value", () => {
  const err = assertThrows(() =>
    parseConfigText(
      "backends:\n  openai_codex:\n    type: openai-codex\n    extra:\n      codex:\n        default_capabilities:\n          prompt_mode: foo\n",
      "my.yaml",
    )
  );
  assert(err instanceof ConfigError);
  assertStringIncludes(
    err.message,
    'backends.openai_codex.extra.codex.default_capabilities.prompt_mode: expected one of codex_default, merge_custom, custom_only, got "foo"',
  );
  assertStringIncludes(err.message, "my.yaml");
});

Deno.test("config: unknown keys and bad YAML are errors", () => {
  const unknown = assertThrows(() => parseConfigText("sever:\n  port: 1\n", "c.yaml"));
  assert(unknown instanceof ConfigError);
  assertStringIncludes(unknown.message, '"sever"');
  const yaml = assertThrows(() => parseConfigText("a: [1,\n", "c.yaml"));
  assert(yaml instanceof ConfigError);
  assertStringIncludes(yaml.message, "c.yaml: not valid YAML");
});

Deno.test("config: an explicit missing --config file is an error", () => {
  const err = assertThrows(() =>
    loadConfig({ path: "/nope/x.yaml", readTextFile: () => undefined })
  );
  assert(err instanceof ConfigError);
  assertStringIncludes(err.message, "/nope/x.yaml: config file not found");
});

Deno.test("config: precedence flag > env > file > default", () => {
  const file = parseConfigText(
    "server: { port: 9000, host: 127.0.0.2 }\nbackends:\n  a: { type: openai-codex, base_url: 'http://file.test/codex' }\n",
    "f",
  );
  const envOnly = resolveConfig(file, {
    env: { OPENAI_API_BASE_URL: "http://env.test/codex/" },
    flags: {},
    source: "f",
  });
  assertEquals(envOnly.backends.a.base_url, "http://env.test/codex");
  assertEquals(envOnly.server.port, 9000);
  const flagged = resolveConfig(file, {
    env: {},
    flags: { port: 7000, host: "127.0.0.3" },
    source: "f",
  });
  assertEquals(flagged.server.port, 7000);
  assertEquals(flagged.server.host, "127.0.0.3");
  assertEquals(flagged.backends.a.base_url, "http://file.test/codex");
  const tokenEnv = resolveConfig(file, {
    env: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: "http://tok.test/t" },
    flags: {},
    source: "f",
  });
  assertEquals(tokenEnv.backends.a.token_url, "http://tok.test/t");
});

Deno.test("config: default_backend must name a backend", () => {
  const file = parseConfigText(
    "default_backend: b\nbackends:\n  a: { type: openai-codex }\n",
    "f.yaml",
  );
  const err = assertThrows(() => resolveConfig(file, { env: {}, flags: {}, source: "f.yaml" }));
  assert(err instanceof ConfigError);
  assertStringIncludes(err.message, 'default_backend: expected one of a, got "b"');
});
