/**
 * What the `translate` stage needs besides the request.
 *
 * @module
 */
import type { EnvironmentContext } from "../capabilities/environment_override.ts";
import type { Capabilities } from "../capabilities/schema.ts";
import type { ResolvedModel } from "../models/resolve_model.ts";
import type { ToolDefinition } from "../request/request_model.ts";

/** What `translate` needs besides the request. */
export interface TranslateContext {
  capabilities: Readonly<Capabilities>;
  /**
   * The routed model: its backend, upstream slug, the effort its name implies
   * (`gpt-5.4-high`), its catalog entry and its base instructions.
   */
  model: Pick<ResolvedModel, "backend" | "slug" | "effort" | "entry" | "baseInstructions">;
  /** How the client's wire names the reasoning effort (for the 400 on one the model lacks). */
  effortParam: string;
  /** The request's own `<environment_context>` values (over the backend's). */
  environment?: EnvironmentContext;
  /** Fresh id for `x-client-request-id`. */
  requestId: string;
  /** The Codex agent's standard tools, for `tool_schema_mode` other than custom_only (default: CODEX_TOOLS). */
  codexTools?: readonly ToolDefinition[];
}
