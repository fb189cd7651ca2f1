/**
 * What the bench upstream streams for one request, and the exact SSE bytes of
 * it. The scenario rides in the prompt text (`bench:d=…,s=…,w=…,f=…`), so it
 * survives every path (direct, nginx, codexgate's translation) unchanged and
 * the upstream stays stateless.
 *
 * The event shapes follow tests/support/fake_script.ts
 * (docs/backend-protocol.md#events): created →
 * in_progress → output_item.added → content_part.added → N text deltas →
 * output_text.done → content_part.done → output_item.done → completed.
 *
 * @module
 */

/** One streamed answer. */
export interface Scenario {
  /** Number of `response.output_text.delta` events. */
  deltas: number;
  /** Bytes of text in each delta (ASCII). */
  deltaBytes: number;
  /** Milliseconds between deltas; 0 sends them back to back. */
  delayMs: number;
  /** With delayMs 0: write the whole answer in large chunks instead of one write per event. */
  flood: boolean;
}

const MARKER = /bench:d=(\d+),s=(\d+),w=(\d+),f=([01])/;

/** The prompt text that asks the upstream for `scenario`. */
export function scenarioPrompt(scenario: Scenario): string {
  return `bench:d=${scenario.deltas},s=${scenario.deltaBytes},w=${scenario.delayMs},f=${
    scenario.flood ? 1 : 0
  }`;
}

/** Finds the scenario in a raw request body; undefined when absent. */
export function parseScenario(rawBody: string): Scenario | undefined {
  const m = MARKER.exec(rawBody);
  if (!m) return undefined;
  return {
    deltas: Math.min(Number(m[1]), 1_000_000),
    deltaBytes: Math.max(1, Math.min(Number(m[2]), 1_048_576)),
    delayMs: Math.min(Number(m[3]), 60_000),
    flood: m[4] === "1",
  };
}

/** The answer's SSE frames: the head (sent at once), the deltas, the tail. */
export interface ScenarioFrames {
  head: string[];
  deltas: string[];
  tail: string[];
  /** UTF-8 bytes of all frames together (ASCII only, so string length). */
  bytes: number;
  /** Number of frames (events). */
  events: number;
}

const WORDS = "the quick brown fox jumps over a lazy dog while streaming tokens ";

function deltaText(size: number, index: number): string {
  let out = "";
  const start = (index * 7) % WORDS.length;
  while (out.length < size) out += WORDS.slice(start) + WORDS.slice(0, start);
  return out.slice(0, size);
}

/** Builds the frames of one answer, shaped like the Codex backend's. */
export function buildFrames(scenario: Scenario): ScenarioFrames {
  const id = "resp_bench0000000000000000000000";
  const itemId = "msg_bench00000000000000000001";
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id,
    object: "response",
    created_at: 1795641515,
    status,
    model: "gpt-5.4",
    output: [],
    ...extra,
  });
  let seq = 0;
  const frame = (event: Record<string, unknown> & { type: string }) =>
    `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: seq++ })}\n\n`;

  const head = [
    frame({ type: "response.created", response: response("in_progress") }),
    frame({ type: "response.in_progress", response: response("in_progress") }),
    frame({
      type: "response.output_item.added",
      output_index: 0,
      item: { id: itemId, type: "message", status: "in_progress", role: "assistant", content: [] },
    }),
    frame({
      type: "response.content_part.added",
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    }),
  ];
  const texts: string[] = [];
  const deltas: string[] = [];
  for (let i = 0; i < scenario.deltas; i++) {
    const delta = deltaText(scenario.deltaBytes, i);
    texts.push(delta);
    deltas.push(frame({
      type: "response.output_text.delta",
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta,
      logprobs: [],
    }));
  }
  const full = texts.join("");
  const part = { type: "output_text", text: full, annotations: [], logprobs: [] };
  const tail = [
    frame({
      type: "response.output_text.done",
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      text: full,
      logprobs: [],
    }),
    frame({
      type: "response.content_part.done",
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part,
    }),
    frame({
      type: "response.output_item.done",
      output_index: 0,
      item: {
        id: itemId,
        type: "message",
        status: "completed",
        role: "assistant",
        content: [part],
      },
    }),
    frame({
      type: "response.completed",
      response: response("completed", {
        usage: {
          input_tokens: 12,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: scenario.deltas,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 12 + scenario.deltas,
        },
      }),
    }),
  ];
  let bytes = 0;
  for (const list of [head, deltas, tail]) for (const f of list) bytes += f.length;
  return { head, deltas, tail, bytes, events: head.length + deltas.length + tail.length };
}
