/**
 * The embedded defaults: the config codexgate runs on when there is no config
 * file, written out so that starting without one loads neither the YAML
 * parser nor the validator (docs/operations.md#startup). They are
 * exactly what the schema gives for an empty file; tests/config_defaults_test.ts
 * keeps the two from drifting apart.
 *
 * @module
 */
import { DEFAULT_CALLBACK_PORTS, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_VERSION } from "./constants.ts";
import type { BackendConfig, Config } from "./schema.ts";

export * from "./constants.ts";

/** A fresh backend of `type: openai-codex` with every default filled in. */
export function defaultBackend(): BackendConfig {
  return {
    type: "openai-codex",
    timeout: 120,
    client_id: DEFAULT_CLIENT_ID,
    client_version: DEFAULT_CLIENT_VERSION,
    originator: "codex_cli_rs",
    extra_headers: {},
    refresh_margin_seconds: 300,
    max_retries: 2,
    catalog_ttl_seconds: 3600,
    models: ["gpt-5.5", "gpt-5.4", "gpt-5.4-mini"],
    login: { callback_ports: [...DEFAULT_CALLBACK_PORTS], open_browser: true },
    extra: {
      codex: {
        default_capabilities: {},
        reactor_rules: [],
        environment_context: {},
        reasoning_field: "reasoning_content",
        image_model: "gpt-image-2",
      },
    },
  };
}

/** A fresh copy of the config with every default filled in, as the schema gives for `{}`. */
export function defaultConfig(): Config {
  return {
    server: {
      host: "127.0.0.1",
      port: 8000,
      api_key: null,
      api_keys: [],
      allow_unauthenticated: false,
      body_limit_mb: 50,
      cors_origins: [],
      allowed_hosts: [],
      shutdown_grace_seconds: 30,
      max_requests_in_flight: 1000,
      body_idle_timeout_seconds: 30,
      body_timeout_seconds: 60,
      max_json_depth: 128,
      websocket_idle_timeout_seconds: 600,
      websocket_max_age_seconds: 3600,
    },
    log_level: "info",
    aliases: {},
    responses_store: { max_entries: 1000, ttl_seconds: 3600 },
    limits: {
      poll: true,
      interval_seconds: 300,
      min_interval_seconds: 30,
      idle_pause_seconds: 1800,
      timeout_seconds: 10,
    },
    usage: { history: true, retention_days: 90 },
    backends: { openai_codex: defaultBackend() },
  };
}
