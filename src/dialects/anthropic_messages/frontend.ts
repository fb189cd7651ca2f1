/**
 * The Anthropic Messages frontend (`POST /v1/messages`), for Claude Code and
 * the Anthropic SDKs.
 *
 * @module
 */
import type { Frontend } from "../frontend.ts";
import { anthropicErrorBody, anthropicStreamError } from "./error_body.ts";
import { parseAnthropicRequest } from "./parse_request.ts";
import { withPings } from "./ping_stream.ts";
import { renderAnthropicResponse } from "./render_response.ts";
import { handleAnthropicRoute } from "./routes.ts";
import { createAnthropicStreamMapper, PING_FRAME } from "./stream_mapper.ts";

/** Milliseconds of silence after which a stream gets a `ping`. */
export const PING_INTERVAL_MS = 10_000;

/** Builds the frontend; `pingIntervalMs` is shortened by tests. */
export function createAnthropicFrontend(
  options: { pingIntervalMs?: number } = {},
): Frontend {
  const intervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
  return {
    dialect: "anthropic",
    path: "/v1/messages",
    effortParam: "reasoning.effort",
    parse: parseAnthropicRequest,
    streamMapper: createAnthropicStreamMapper,
    render: renderAnthropicResponse,
    errorBody: anthropicErrorBody,
    streamError: anthropicStreamError,
    wrapStream: (body) => withPings(body, { intervalMs, frame: PING_FRAME }),
    route: handleAnthropicRoute,
  };
}

/** Anthropic Messages wire. */
export const anthropicMessagesFrontend: Frontend = createAnthropicFrontend();
