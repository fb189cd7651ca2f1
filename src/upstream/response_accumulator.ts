/**
 * Collects a backend event stream into one finished response: the output
 * items (rebuilt from `output_item.done`, since `response.completed` may carry
 * an empty `output`), usage and how it ended. Every frontend's non-streaming
 * answer is rendered from this.
 *
 * @module
 */
import type { UpstreamEvent, UpstreamItem, UpstreamResponse, UpstreamUsage } from "./events.ts";

/** How a response ended. */
export type Outcome = "completed" | "incomplete" | "failed";

/** A finished response. */
export interface AccumulatedResponse {
  id: string;
  createdAt: number;
  /** Output items in output order. */
  output: UpstreamItem[];
  usage?: UpstreamUsage;
  outcome: Outcome;
  incompleteReason?: string;
  /** The terminal event's `response` with `output` filled in. */
  response: UpstreamResponse;
  /** The failure event, when the outcome is failed. */
  failure?: UpstreamEvent;
}

/** Accumulates events; feed it every event, then read {@link result}. */
export class ResponseAccumulator {
  #items: (UpstreamItem | undefined)[] = [];
  #base: UpstreamResponse = {};
  #terminal?: UpstreamEvent;
  #textByItem = new Map<string, string[]>();
  #argsByItem = new Map<string, string[]>();

  /** Feeds one event. */
  push(event: UpstreamEvent): void {
    switch (event.type) {
      case "response.created":
      case "response.in_progress":
        if (event.response) this.#base = { ...this.#base, ...event.response };
        break;
      case "response.output_item.added":
        if (event.item && this.#items[event.output_index ?? this.#items.length] === undefined) {
          this.#items[event.output_index ?? this.#items.length] = { ...event.item };
        }
        break;
      case "response.output_text.delta":
        if (event.item_id) push(this.#textByItem, event.item_id, event.delta ?? "");
        break;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        if (event.item_id) push(this.#argsByItem, event.item_id, event.delta ?? "");
        break;
      case "response.output_item.done":
        if (event.item) this.#items[event.output_index ?? this.#items.length] = event.item;
        break;
      case "response.completed":
      case "response.incomplete":
      case "response.failed":
      case "error":
        this.#terminal = event;
        break;
    }
  }

  /** Whether a terminal event was seen. */
  get finished(): boolean {
    return this.#terminal !== undefined;
  }

  /** The output items so far, finished ones as the backend sent them, others rebuilt from deltas. */
  outputItems(): UpstreamItem[] {
    const out: UpstreamItem[] = [];
    for (const item of this.#items) {
      if (!item) continue;
      out.push(item.status === "completed" || !item.id ? item : this.#rebuild(item));
    }
    return out;
  }

  /** The finished response. */
  result(): AccumulatedResponse {
    const terminal = this.#terminal;
    const response: UpstreamResponse = { ...this.#base, ...(terminal?.response ?? {}) };
    const output = this.outputItems();
    if (!Array.isArray(response.output) || response.output.length === 0) response.output = output;
    const outcome: Outcome = terminal?.type === "response.completed"
      ? "completed"
      : terminal?.type === "response.incomplete"
      ? "incomplete"
      : terminal
      ? "failed"
      : "failed";
    return {
      id: response.id ?? "",
      createdAt: response.created_at ?? Math.floor(Date.now() / 1000),
      output: response.output,
      usage: response.usage ?? undefined,
      outcome,
      incompleteReason: response.incomplete_details?.reason,
      response,
      failure: outcome === "failed" ? terminal : undefined,
    };
  }

  #rebuild(item: UpstreamItem): UpstreamItem {
    const id = item.id!;
    if (item.type === "message") {
      const text = this.#textByItem.get(id)?.join("") ?? "";
      return { ...item, content: [{ type: "output_text", text, annotations: [] }] };
    }
    if (item.type === "function_call") {
      return { ...item, arguments: this.#argsByItem.get(id)?.join("") ?? item.arguments ?? "" };
    }
    if (item.type === "custom_tool_call") {
      return { ...item, input: this.#argsByItem.get(id)?.join("") ?? item.input ?? "" };
    }
    return item;
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The text of a message item's `output_text` parts. */
export function messageText(item: UpstreamItem): string {
  return (item.content ?? []).filter((p) => p.type === "output_text").map((p) => p.text ?? "")
    .join("");
}

/** The reasoning summary text of a reasoning item. */
export function reasoningText(item: UpstreamItem): string {
  return (item.summary ?? []).map((s) => s.text).join("\n\n");
}
