/**
 * The config file's schema. Unknown keys are refused so that a typo is an
 * error rather than a silently ignored setting.
 *
 * @module
 */
import { z } from "zod";
import { compileReactorRule } from "../capabilities/reactor_rules.ts";
import { partialCapabilitiesSchema } from "./capabilities.ts";

/** Default Codex backend base URL (spec §1). */
export const DEFAULT_BASE_URL = "https://chatgpt.com/backend-api/codex";
/** Default OAuth token endpoint (spec §1). */
export const DEFAULT_TOKEN_URL = "https://auth.openai.com/oauth/token";
/** The Codex CLI's public OAuth client id (spec §1). */
export const DEFAULT_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
/** The Codex CLI version codexgate presents itself as; the backend refuses very old ones. */
export const DEFAULT_CLIENT_VERSION = "0.169.0";

const reactorRuleSchema = z.strictObject({
  name: z.string().optional(),
  tool: z.string().describe("tool name, or a regex between slashes"),
  argument_path: z.string().optional(),
  pattern: z.string().optional(),
  action: z.enum(["block", "rewrite", "log"]),
  message: z.string().optional(),
  rename_to: z.string().optional(),
  replace_with: z.string().optional(),
}).superRefine((rule, ctx) => {
  try {
    compileReactorRule(rule, 0);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

const environmentContextSchema = z.strictObject({
  cwd: z.string().optional(),
  approval_policy: z.string().optional(),
  sandbox_mode: z.string().optional(),
  network_access: z.string().optional(),
  shell: z.string().optional(),
});

const codexExtraSchema = z.strictObject({
  default_capabilities: partialCapabilitiesSchema.default({}),
  reactor_rules: z.array(reactorRuleSchema).default([]),
  environment_context: environmentContextSchema.default({}),
  reasoning_field: z.enum(["reasoning_content", "reasoning"]).default("reasoning_content"),
});

const backendSchema = z.strictObject({
  type: z.literal("openai-codex"),
  /** Seconds: bounds time to first byte and idle time between events. */
  timeout: z.number().positive().default(120),
  base_url: z.string().url().optional(),
  auth_path: z.string().optional(),
  token_url: z.string().url().optional(),
  client_id: z.string().default(DEFAULT_CLIENT_ID),
  client_version: z.string().default(DEFAULT_CLIENT_VERSION),
  originator: z.string().default("codex_cli_rs"),
  extra_headers: z.record(z.string(), z.string()).default({}),
  refresh_margin_seconds: z.number().nonnegative().default(300),
  max_retries: z.number().int().nonnegative().default(2),
  catalog_ttl_seconds: z.number().nonnegative().default(3600),
  models: z.array(z.string()).default(["gpt-5.5", "gpt-5.4", "gpt-5.4-mini"]),
  extra: z.strictObject({ codex: codexExtraSchema.default(codexExtraSchema.parse({})) })
    .default({ codex: codexExtraSchema.parse({}) }),
});

const serverSchema = z.strictObject({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8000),
  api_key: z.string().min(1).nullable().default(null),
  allow_unauthenticated: z.boolean().default(false),
  body_limit_mb: z.number().positive().default(50),
  cors_origins: z.array(z.string()).default([]),
  /** Host names besides loopback and the bind address that requests may carry (`*`: any). */
  allowed_hosts: z.array(z.string().min(1)).default([]),
  shutdown_grace_seconds: z.number().nonnegative().default(30),
  /** Requests handled at once, streams included; the next ones get 503. */
  max_requests_in_flight: z.number().int().positive().default(1000),
  /** Longest wait for the next chunk of a request body. */
  body_idle_timeout_seconds: z.number().positive().default(30),
  /** Longest time from a request's arrival to the end of its body. */
  body_timeout_seconds: z.number().positive().default(60),
  /** Deepest nesting of arrays/objects accepted in a JSON body (deeper: 400). */
  max_json_depth: z.number().int().min(8).max(1000).default(128),
});

const responsesStoreSchema = z.strictObject({
  max_entries: z.number().int().positive().default(1000),
  ttl_seconds: z.number().positive().default(3600),
});

/** Zod schema of the whole config file. */
export const configSchema = z.strictObject({
  server: serverSchema.default(serverSchema.parse({})),
  log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  default_backend: z.string().optional(),
  aliases: z.record(z.string(), z.string()).default({}),
  responses_store: responsesStoreSchema.default(responsesStoreSchema.parse({})),
  backends: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), backendSchema).default({
    openai_codex: backendSchema.parse({ type: "openai-codex" }),
  }),
});

/** The validated config, with every default filled in. */
export type Config = z.infer<typeof configSchema>;
/** One backend's validated config. */
export type BackendConfig = z.infer<typeof backendSchema>;
/** One tool-call reactor rule. */
export type ReactorRule = z.infer<typeof reactorRuleSchema>;
/** Values of the `<environment_context>` message. */
export type EnvironmentContext = z.infer<typeof environmentContextSchema>;
