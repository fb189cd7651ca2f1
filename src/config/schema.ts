/**
 * The config file's schema. Unknown keys are refused so that a typo is an
 * error rather than a silently ignored setting.
 *
 * @module
 */
import { z } from "zod";
import { ENVIRONMENT_KEYS } from "../capabilities/environment_override.ts";
import { compileReactorRule, REACTOR_ACTIONS } from "../capabilities/reactor_rules.ts";
import { CAPABILITY_VALUES } from "../capabilities/schema.ts";
import { DEFAULT_CALLBACK_PORTS, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_VERSION } from "./constants.ts";

export {
  DEFAULT_BASE_URL,
  DEFAULT_CALLBACK_PORTS,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_VERSION,
  DEFAULT_ISSUER,
  DEFAULT_TOKEN_URL,
} from "./constants.ts";

/** A partial capability set, as written in config (capabilities/schema.ts lists the values). */
const partialCapabilitiesSchema = z.strictObject({
  protocol: z.enum(CAPABILITY_VALUES.protocol),
  codex_passthrough: z.boolean(),
  prompt_mode: z.enum(CAPABILITY_VALUES.prompt_mode),
  tool_schema_mode: z.enum(CAPABILITY_VALUES.tool_schema_mode),
  tool_text_format: z.enum(CAPABILITY_VALUES.tool_text_format),
  bypass_tool_call_reactor: z.boolean(),
  include_environment_context: z.boolean(),
  service_tier: z.enum(CAPABILITY_VALUES.service_tier),
  auto_compact: z.boolean(),
}).partial();

/** The `<environment_context>` values (capabilities/environment_override.ts lists the keys). */
const environmentContextSchema = z.strictObject(
  Object.fromEntries(ENVIRONMENT_KEYS.map((k) => [k, z.string().optional()])) as Record<
    (typeof ENVIRONMENT_KEYS)[number],
    z.ZodOptional<z.ZodString>
  >,
);

const reactorRuleSchema = z.strictObject({
  name: z.string().optional(),
  tool: z.string().describe("tool name, or a regex between slashes"),
  argument_path: z.string().optional(),
  pattern: z.string().optional(),
  action: z.enum(REACTOR_ACTIONS),
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

/** A backend's `reactor_rules` list; a rule that cannot compile is an issue. */
const reactorRulesSchema = z.array(reactorRuleSchema);

const codexExtraSchema = z.strictObject({
  default_capabilities: partialCapabilitiesSchema.default({}),
  reactor_rules: reactorRulesSchema.default([]),
  environment_context: environmentContextSchema.default({}),
  reasoning_field: z.enum(["reasoning_content", "reasoning"]).default("reasoning_content"),
  /** The image model sent to `{base}/images/…` when the client names none (docs/clients.md#images). */
  image_model: z.string().min(1).default("gpt-image-2"),
});

/** How `codexgate login` signs this backend in (docs/sign-in.md). */
const loginSchema = z.strictObject({
  /** OAuth issuer; env CODEXGATE_LOGIN_ISSUER and --issuer beat it. */
  issuer: z.string().url().optional(),
  /** Local callback ports, tried in order; only 1455 and 1457 are registered upstream. */
  callback_ports: z.array(z.number().int().min(1).max(65535)).min(1)
    .default([...DEFAULT_CALLBACK_PORTS]),
  /** Open the default browser on the sign-in page (--no-open turns it off). */
  open_browser: z.boolean().default(true),
});

/** One entry of a backend's account pool (docs/accounts.md). */
const accountEntrySchema = z.strictObject({
  /** The account's name; for a directory, optional (its files' names name the accounts). */
  name: z.string().regex(/^[A-Za-z0-9_.@-]+$/).optional(),
  /** An auth.json file, or a directory holding one `*.json` sign-in file per account. */
  path: z.string().min(1),
  /** Listed but never chosen. */
  disabled: z.boolean().default(false),
});

const backendSchema = z.strictObject({
  type: z.literal("openai-codex"),
  /** Seconds: bounds time to first byte and idle time between events. */
  timeout: z.number().positive().default(120),
  base_url: z.string().url().optional(),
  auth_path: z.string().optional(),
  /** Several accounts of one person or team; absent: the one discovered auth.json. */
  accounts: z.array(accountEntrySchema).optional(),
  token_url: z.string().url().optional(),
  /** The plan's usage document (default: derived from base_url, docs/limits-and-usage.md). */
  usage_url: z.string().url().optional(),
  client_id: z.string().default(DEFAULT_CLIENT_ID),
  client_version: z.string().default(DEFAULT_CLIENT_VERSION),
  originator: z.string().default("codex_cli_rs"),
  extra_headers: z.record(z.string(), z.string()).default({}),
  refresh_margin_seconds: z.number().nonnegative().default(300),
  max_retries: z.number().int().nonnegative().default(2),
  catalog_ttl_seconds: z.number().nonnegative().default(3600),
  models: z.array(z.string()).default(["gpt-5.5", "gpt-5.4", "gpt-5.4-mini"]),
  login: loginSchema.default(loginSchema.parse({})),
  extra: z.strictObject({ codex: codexExtraSchema.default(codexExtraSchema.parse({})) })
    .default({ codex: codexExtraSchema.parse({}) }),
});

const serverSchema = z.strictObject({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8000),
  api_key: z.string().min(1).nullable().default(null),
  /** Several clients, each with its own named key (docs/limits-and-usage.md#several-clients). */
  api_keys: z.array(z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/),
    key: z.string().min(1),
  })).default([]),
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
  websocket_idle_timeout_seconds: z.number().positive().default(600),
  websocket_max_age_seconds: z.number().positive().default(3600),
});

const responsesStoreSchema = z.strictObject({
  max_entries: z.number().int().positive().default(1000),
  ttl_seconds: z.number().positive().default(3600),
});

/** Polling the plan's usage document (docs/limits-and-usage.md#polling). */
const limitsSchema = z.strictObject({
  poll: z.boolean().default(true),
  interval_seconds: z.number().min(10).default(300),
  min_interval_seconds: z.number().nonnegative().default(30),
  idle_pause_seconds: z.number().positive().default(1800),
  timeout_seconds: z.number().positive().default(10),
});

/** The usage history (docs/limits-and-usage.md#usage-history). */
const usageSchema = z.strictObject({
  history: z.boolean().default(true),
  retention_days: z.number().positive().default(90),
});

/** Zod schema of the whole config file. */
export const configSchema = z.strictObject({
  server: serverSchema.default(serverSchema.parse({})),
  log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  default_backend: z.string().optional(),
  aliases: z.record(z.string(), z.string()).default({}),
  responses_store: responsesStoreSchema.default(responsesStoreSchema.parse({})),
  /** Where codexgate keeps its own files (usage history); default per OS. */
  data_dir: z.string().min(1).optional(),
  limits: limitsSchema.default(limitsSchema.parse({})),
  usage: usageSchema.default(usageSchema.parse({})),
  backends: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), backendSchema).default({
    openai_codex: backendSchema.parse({ type: "openai-codex" }),
  }),
});

/** The validated config, with every default filled in. */
export type Config = z.infer<typeof configSchema>;
/** One entry of `backends.<name>.accounts`. */
export type AccountEntry = z.infer<typeof accountEntrySchema>;
/** One backend's validated config. */
export type BackendConfig = z.infer<typeof backendSchema>;
