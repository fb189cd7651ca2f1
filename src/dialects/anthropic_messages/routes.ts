/**
 * The Anthropic route besides `POST /v1/messages`:
 * `POST /v1/messages/count_tokens`, answered locally (count_tokens.ts).
 *
 * @module
 */
import { requireMethod } from "../../http/require_method.ts";
import type { RouteOptions } from "../frontend.ts";
import { countTokens } from "./count_tokens.ts";

/** The JSON answer of the route, or undefined when `path` is not it. */
export async function handleAnthropicRoute(
  request: Request,
  path: string,
  options: RouteOptions,
): Promise<{ input_tokens: number } | undefined> {
  if (path !== "/v1/messages/count_tokens") return undefined;
  requireMethod(request, "POST");
  const body = await options.readJson();
  return countTokens(body, request.headers);
}
