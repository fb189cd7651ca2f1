/**
 * Checks a reasoning effort against the efforts the catalog says the model
 * takes (docs/backend-protocol.md#model-catalog), so the client gets a clear
 * 400 instead of the backend's.
 *
 * @module
 */
import { badRequest } from "../errors.ts";
import type { CatalogModel } from "./catalog.ts";

/**
 * Throws when the catalog lists the model's efforts and `effort` is not one of
 * them. An unknown model, or one without a list, lets every effort through.
 *
 * @throws {ProxyError} 400 `unsupported_reasoning_effort` naming the allowed levels.
 */
export function validateEffort(
  effort: string | undefined,
  options: { model: CatalogModel | undefined; param: string },
): void {
  const levels = options.model?.supported_reasoning_levels?.map((l) => l.effort);
  if (effort === undefined || !levels || levels.length === 0 || levels.includes(effort)) return;
  throw badRequest(
    `Reasoning effort ${JSON.stringify(effort)} is not supported by ${options.model!.slug}; ` +
      `use one of ${levels.join(", ")}`,
    { param: options.param, code: "unsupported_reasoning_effort" },
  );
}
