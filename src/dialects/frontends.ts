/**
 * Every client wire codexgate serves, for the app's router. Adding a wire
 * means adding it here; the app and the pipeline name none of them.
 *
 * @module
 */
import type { ResponseStore } from "../state/response_store.ts";
import { anthropicMessagesFrontend } from "./anthropic_messages/frontend.ts";
import { chatCompletionsFrontend } from "./chat_completions/frontend.ts";
import type { Frontend } from "./frontend.ts";
import { createResponsesFrontend } from "./responses/frontend.ts";

/** The frontends of one app, with the state they keep. */
export function createFrontends(state: { responses: ResponseStore }): Frontend[] {
  return [
    chatCompletionsFrontend,
    createResponsesFrontend({ store: state.responses }),
    anthropicMessagesFrontend,
  ];
}

/** The frontend a path belongs to: its completion route or a path below it. */
export function frontendFor(
  frontends: readonly Frontend[],
  path: string,
): Frontend | undefined {
  return frontends.find((f) => path === f.path || path.startsWith(`${f.path}/`));
}
