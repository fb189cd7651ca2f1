/**
 * Small inputs for the stage tests: a resolved config and backend, a routed
 * model, a request in codexgate's model.
 *
 * @module
 */
import {
  parseConfigText,
  resolveConfig,
  type ResolvedBackend,
  type ResolvedConfig,
} from "../../src/config/load_config.ts";
import type { ResolvedModel } from "../../src/models/resolve_model.ts";
import type { CanonicalRequest, InputItem } from "../../src/request/request_model.ts";

/** A config from YAML, with every default filled in. */
export function testConfig(yaml = "{}"): ResolvedConfig {
  return resolveConfig(parseConfigText(yaml, "test config"), {
    env: {},
    flags: {},
    source: "test config",
  });
}

/** The default backend of {@link testConfig}. */
export function testBackend(yaml = "{}"): ResolvedBackend {
  const config = testConfig(yaml);
  return config.backends[config.default_backend];
}

/** A model routed to `backend`, with a catalog entry that takes low, medium and high. */
export function testModel(
  backend: ResolvedBackend,
  extra: Partial<ResolvedModel> = {},
): ResolvedModel {
  const entry = {
    slug: "gpt-5.4",
    supported_reasoning_levels: [{ effort: "low" }, { effort: "medium" }, { effort: "high" }],
  };
  return {
    backend,
    slug: "gpt-5.4",
    entry,
    catalog: { models: [entry], source: "live", fetchedAt: 0 },
    baseInstructions: "BASE INSTRUCTIONS",
    ...extra,
  };
}

/** A user message item. */
export function user(text: string): InputItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** A developer message item. */
export function developer(text: string): InputItem {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}

/** A request in codexgate's model. */
export function canonical(fields: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    dialect: "chat",
    model: "gpt-5.4",
    system: [],
    input: [user("hi")],
    tools: [],
    stream: false,
    dropped: [],
    ...fields,
  };
}
