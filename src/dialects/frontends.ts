/**
 * Every client wire codexgate serves, for the app's router. Adding a wire
 * means adding it here; the app and the pipeline name none of them.
 *
 * The router knows each wire by its path and error shape from the start; the
 * wire's own modules (parsing, mapping, rendering) load with the first
 * request to its paths, so starting loads none of them
 * (docs/operations.md#startup).
 *
 * @module
 */
import type { ProxyError } from "../errors.ts";
import type { ResponseStore } from "../state/response_store.ts";
import { anthropicErrorBody } from "./anthropic_messages/error_body.ts";
import { chatErrorBody } from "./chat_completions/error_body.ts";
import type { Frontend } from "./frontend.ts";
import { responsesErrorBody } from "./responses/error_body.ts";

/** A client wire as the router knows it before its first request. */
export interface FrontendRoute {
  /** The completion route; paths below it belong to the wire too. */
  readonly path: string;
  /** The wire's error shape (the frontend's own `errorBody`). */
  errorBody(error: ProxyError, requestId: string): unknown;
  /** The frontend, its modules loaded on the first call. */
  load(): Promise<Frontend>;
}

/** The frontends of one app, with the state they keep. */
export function createFrontends(state: { responses: ResponseStore }): FrontendRoute[] {
  return [
    lazyFrontend("/v1/chat/completions", chatErrorBody, async () => {
      const { chatCompletionsFrontend } = await import("./chat_completions/frontend.ts");
      return chatCompletionsFrontend;
    }),
    lazyFrontend("/v1/responses", responsesErrorBody, async () => {
      const { createResponsesFrontend } = await import("./responses/frontend.ts");
      return createResponsesFrontend({ store: state.responses });
    }),
    lazyFrontend("/v1/messages", anthropicErrorBody, async () => {
      const { anthropicMessagesFrontend } = await import("./anthropic_messages/frontend.ts");
      return anthropicMessagesFrontend;
    }),
  ];
}

function lazyFrontend(
  path: string,
  errorBody: FrontendRoute["errorBody"],
  load: () => Promise<Frontend>,
): FrontendRoute {
  let loaded: Promise<Frontend> | undefined;
  return { path, errorBody, load: () => (loaded ??= load()) };
}

/** The frontend a path belongs to: its completion route or a path below it. */
export function frontendFor<T extends { readonly path: string }>(
  frontends: readonly T[],
  path: string,
): T | undefined {
  return frontends.find((f) => path === f.path || path.startsWith(`${f.path}/`));
}
