/**
 * The paths measured side by side, each as "how to ask for a scenario":
 * direct (client → upstream), nginx (client → nginx → upstream), the Deno
 * floor (bench/floor.ts, the least a Deno chat translator can do), and
 * codexgate's `/v1/responses` passthrough and `/v1/chat/completions`.
 *
 * @module
 */
import { type Scenario, scenarioPrompt } from "./scenario.ts";
import type { StreamRequest } from "./sse_client.ts";

/** One measured path. */
export interface Target {
  /** Short name used in tables. */
  name: string;
  /** PIDs whose CPU and memory count as this path's cost (none for direct). */
  pids: () => number[];
  /** The request that streams `scenario` through this path. */
  request: (scenario: Scenario) => StreamRequest;
}

/** Upstream headers as codexgate would send them: direct and nginx send them themselves. */
function backendHeaders(accessToken: string, accountId: string): Record<string, string> {
  return {
    "authorization": `Bearer ${accessToken}`,
    "chatgpt-account-id": accountId,
    "originator": "codex_cli_rs",
    "accept": "text/event-stream",
    "content-type": "application/json",
  };
}

function backendBody(scenario: Scenario): string {
  return JSON.stringify({
    model: "gpt-5.4",
    instructions: "Bench instructions: answer briefly.",
    input: [{
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: scenarioPrompt(scenario) }],
    }],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: false,
    store: false,
    stream: true,
    include: [],
  });
}

/** Minimum events a Responses-shaped stream must carry: every delta plus created/completed. */
function responsesMinEvents(scenario: Scenario): number {
  return scenario.deltas + 2;
}

/** Client → an origin that speaks the backend's `/backend-api/codex/responses` (upstream or nginx). */
export function backendTarget(
  name: string,
  origin: string,
  auth: { accessToken: string; accountId: string },
  pids: () => number[],
): Target {
  const headers = backendHeaders(auth.accessToken, auth.accountId);
  return {
    name,
    pids,
    request: (scenario) => ({
      url: `${origin}/backend-api/codex/responses`,
      headers,
      body: backendBody(scenario),
      terminal: "event: response.completed",
      minEvents: responsesMinEvents(scenario),
    }),
  };
}

/**
 * Client → codexgate `/v1/responses` in passthrough (`codex_passthrough: true`, asked per
 * request with the documented `x-codex-capabilities` header): the fair comparison with nginx.
 */
export function codexgateResponsesTarget(url: string, pids: () => number[]): Target {
  return {
    name: "codexgate /v1/responses (passthrough)",
    pids,
    request: (scenario) => ({
      url: `${url}/v1/responses`,
      headers: {
        "content-type": "application/json",
        "accept": "text/event-stream",
        "x-codex-capabilities": '{"codex_passthrough":true}',
      },
      // store: false as the Codex CLI sends it (nothing kept for previous_response_id).
      body: JSON.stringify({
        model: "gpt-5.4",
        input: scenarioPrompt(scenario),
        stream: true,
        store: false,
      }),
      terminal: "event: response.completed",
      minEvents: responsesMinEvents(scenario),
    }),
  };
}

/** Client → `/v1/chat/completions` of codexgate or of the floor (translation to chat chunks). */
export function chatTarget(name: string, url: string, pids: () => number[]): Target {
  return {
    name,
    pids,
    request: (scenario) => ({
      url: `${url}/v1/chat/completions`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-5.4",
        stream: true,
        messages: [{ role: "user", content: scenarioPrompt(scenario) }],
      }),
      terminal: "data: [DONE]",
      // role chunk + one chunk per delta + finish chunk + [DONE]
      minEvents: scenario.deltas + 3,
    }),
  };
}
