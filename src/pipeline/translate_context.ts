/**
 * What the `translate` stage needs besides the request.
 *
 * @module
 */
import type { Capabilities } from "../capabilities/schema.ts";
import type { EnvironmentContext } from "../capabilities/environment_override.ts";
import type { ToolDefinition } from "../request/request_model.ts";

/** What `translate` needs besides the request. */
export interface TranslateContext {
  capabilities: Readonly<Capabilities>;
  /** Upstream model slug, after routing. */
  slug: string;
  /** Effort implied by the model name (`gpt-5.4-high`), used when the client set none. */
  effort?: string;
  /** The model's default Codex instructions (catalog, cache or our fallback). */
  baseInstructions: string;
  /** The Codex agent's standard tools, for `tool_schema_mode` other than custom_only. */
  codexTools: readonly ToolDefinition[];
  environmentContext: EnvironmentContext;
  /** Fresh id for `x-client-request-id`. */
  requestId: string;
}
