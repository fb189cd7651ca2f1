/**
 * Before stage 1: the client's HTTP request → codexgate's request model,
 * through the frontend's hooks: the JSON body (bounded), the per-request
 * overrides taken out of it (`codex_capabilities`, `codex_environment`), the
 * wire's parser, and the input completed from stored state where the wire
 * has some (Responses' `previous_response_id`).
 *
 * @module
 */
import { takeCapabilityOverride } from "../capabilities/capability_override.ts";
import {
  type EnvironmentContext,
  takeEnvironmentOverride,
} from "../capabilities/environment_override.ts";
import type { PartialCapabilities } from "../capabilities/schema.ts";
import type { Frontend } from "../dialects/frontend.ts";
import type { Logger } from "../log.ts";
import type { CanonicalRequest } from "../request/request_model.ts";

/** A parsed client request and the overrides that came with it. */
export interface IncomingRequest {
  request: CanonicalRequest;
  /** The request's capability override, when it sent one. */
  capabilities?: PartialCapabilities;
  /** The request's `<environment_context>` values, when it sent some. */
  environment?: EnvironmentContext;
}

/** Options of {@link receiveRequest}. */
export interface ReceiveRequestOptions {
  frontend: Frontend;
  /** Reads the JSON body within the server's bounds (size, depth, deadlines). */
  readJson: () => Promise<Record<string, unknown>>;
  logger: Logger;
  requestId: string;
}

/**
 * Reads and parses one completion request.
 *
 * @throws {ProxyError} 4xx in the client's terms (bad JSON, bad override, bad
 * field, unknown `previous_response_id`).
 */
export async function receiveRequest(
  request: Request,
  options: ReceiveRequestOptions,
): Promise<IncomingRequest> {
  const { frontend, logger, requestId } = options;
  const body = await options.readJson();
  const capabilities = takeCapabilityOverride(body, request.headers);
  const environment = takeEnvironmentOverride(body, request.headers);
  const parsed = frontend.parse(body, request.headers);
  if (parsed.dropped.length > 0) {
    logger.debug("dropped parameters", { requestId, dropped: parsed.dropped });
  }
  await frontend.expandInput?.(parsed);
  return { request: parsed, capabilities, environment };
}
