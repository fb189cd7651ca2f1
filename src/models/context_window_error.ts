/**
 * A `context_length_exceeded` answer that names the model's window from the
 * catalog (docs/backend-protocol.md#backend-answers-and-what-clients-get), so a
 * person or an agent configured for a larger window (the public API's figure)
 * sees the number that really applies on a ChatGPT plan.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";
import type { ResolvedModel } from "./resolve_model.ts";

/** The same error with the model's context window named; any other error as it is. */
export function withContextWindow(
  error: unknown,
  model: Pick<ResolvedModel, "slug" | "entry">,
): unknown {
  if (!(error instanceof ProxyError) || error.code !== "context_length_exceeded") return error;
  const window = model.entry?.context_window ?? model.entry?.max_context_window;
  if (typeof window !== "number" || !Number.isFinite(window)) return error;
  return new ProxyError(
    error.status,
    `The model \`${model.slug}\` has a context window of ${window} tokens here. ${error.message}`,
    { code: error.code, type: error.type, param: error.param, headers: error.headers },
  );
}
