/**
 * Builds event sequences the way the Codex backend streams them
 * (docs/backend-protocol.md#events):
 * response.created → in_progress → per item: output_item.added, parts,
 * deltas, done events → output_item.done → a terminal event.
 *
 * @module
 */

/** One event as the fake sends it. */
export type FakeEvent = { type: string; [key: string]: unknown };

/** Usage numbers the terminal event reports. */
export interface FakeUsage {
  input_tokens: number;
  cached_tokens?: number;
  output_tokens: number;
  reasoning_tokens?: number;
}

/** Builds one response's events. */
export class ScriptBuilder {
  readonly responseId: string;
  readonly model: string;
  #events: FakeEvent[] = [];
  #items: Record<string, unknown>[] = [];
  #usage: FakeUsage = { input_tokens: 12, cached_tokens: 0, output_tokens: 7, reasoning_tokens: 0 };
  #n = 0;

  constructor(options: { model?: string; responseId?: string } = {}) {
    this.model = options.model ?? "gpt-5.4";
    this.responseId = options.responseId ?? `resp_${crypto.randomUUID().replace(/-/g, "")}`;
  }

  #response(status: string, extra: Record<string, unknown> = {}) {
    return {
      id: this.responseId,
      object: "response",
      created_at: 1795641515,
      status,
      model: this.model,
      output: [],
      ...extra,
    };
  }

  #id(prefix: string): string {
    return `${prefix}_${this.responseId.slice(5, 17)}${(this.#n++).toString(16).padStart(4, "0")}`;
  }

  /** A reasoning item with a summary and encrypted content. */
  reasoning(summary: string[], options: { encrypted?: string; chunks?: number } = {}): this {
    const id = this.#id("rs");
    const output_index = this.#items.length;
    const encrypted = options.encrypted ?? `gAAAA${id}`;
    this.#events.push({
      type: "response.output_item.added",
      output_index,
      item: { id, type: "reasoning", summary: [], encrypted_content: null },
    });
    summary.forEach((text, summary_index) => {
      this.#events.push({
        type: "response.reasoning_summary_part.added",
        item_id: id,
        output_index,
        summary_index,
        part: { type: "summary_text", text: "" },
      });
      for (const delta of split(text, options.chunks ?? 2)) {
        this.#events.push({
          type: "response.reasoning_summary_text.delta",
          item_id: id,
          output_index,
          summary_index,
          delta,
        });
      }
      this.#events.push({
        type: "response.reasoning_summary_text.done",
        item_id: id,
        output_index,
        summary_index,
        text,
      });
      this.#events.push({
        type: "response.reasoning_summary_part.done",
        item_id: id,
        output_index,
        summary_index,
        part: { type: "summary_text", text },
      });
    });
    const item = {
      id,
      type: "reasoning",
      summary: summary.map((text) => ({ type: "summary_text", text })),
      encrypted_content: encrypted,
    };
    this.#events.push({ type: "response.output_item.done", output_index, item });
    this.#items.push(item);
    return this;
  }

  /** An assistant message streamed in `chunks` deltas (or the given pieces). */
  text(text: string | string[], options: { chunks?: number } = {}): this {
    const pieces = Array.isArray(text) ? text : split(text, options.chunks ?? 3);
    const full = pieces.join("");
    const id = this.#id("msg");
    const output_index = this.#items.length;
    this.#events.push({
      type: "response.output_item.added",
      output_index,
      item: { id, type: "message", status: "in_progress", role: "assistant", content: [] },
    });
    this.#events.push({
      type: "response.content_part.added",
      item_id: id,
      output_index,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const delta of pieces) {
      this.#events.push({
        type: "response.output_text.delta",
        item_id: id,
        output_index,
        content_index: 0,
        delta,
        logprobs: [],
      });
    }
    this.#events.push({
      type: "response.output_text.done",
      item_id: id,
      output_index,
      content_index: 0,
      text: full,
      logprobs: [],
    });
    const part = { type: "output_text", text: full, annotations: [], logprobs: [] };
    this.#events.push({
      type: "response.content_part.done",
      item_id: id,
      output_index,
      content_index: 0,
      part,
    });
    const item = { id, type: "message", status: "completed", role: "assistant", content: [part] };
    this.#events.push({ type: "response.output_item.done", output_index, item });
    this.#items.push(item);
    return this;
  }

  /** A function call whose arguments stream in `fragments` deltas. */
  toolCall(
    name: string,
    args: string,
    options: { callId?: string; fragments?: number } = {},
  ): this {
    const id = this.#id("fc");
    const call_id = options.callId ?? `call_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const output_index = this.#items.length;
    this.#events.push({
      type: "response.output_item.added",
      output_index,
      item: { id, type: "function_call", status: "in_progress", arguments: "", call_id, name },
    });
    for (const delta of split(args, options.fragments ?? 3)) {
      this.#events.push({
        type: "response.function_call_arguments.delta",
        item_id: id,
        output_index,
        delta,
      });
    }
    this.#events.push({
      type: "response.function_call_arguments.done",
      item_id: id,
      output_index,
      arguments: args,
    });
    const item = { id, type: "function_call", status: "completed", arguments: args, call_id, name };
    this.#events.push({ type: "response.output_item.done", output_index, item });
    this.#items.push(item);
    return this;
  }

  /** A freeform (custom) tool call, e.g. apply_patch. */
  customToolCall(
    name: string,
    input: string,
    options: { callId?: string; fragments?: number } = {},
  ): this {
    const id = this.#id("ctc");
    const call_id = options.callId ?? `call_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const output_index = this.#items.length;
    this.#events.push({
      type: "response.output_item.added",
      output_index,
      item: { id, type: "custom_tool_call", status: "in_progress", input: "", call_id, name },
    });
    for (const delta of split(input, options.fragments ?? 3)) {
      this.#events.push({
        type: "response.custom_tool_call_input.delta",
        item_id: id,
        output_index,
        delta,
      });
    }
    this.#events.push({
      type: "response.custom_tool_call_input.done",
      item_id: id,
      output_index,
      input,
    });
    const item = { id, type: "custom_tool_call", status: "completed", input, call_id, name };
    this.#events.push({ type: "response.output_item.done", output_index, item });
    this.#items.push(item);
    return this;
  }

  /** An output item that arrives whole (added, then done), e.g. a `compaction`. */
  item(item: Record<string, unknown>): this {
    const output_index = this.#items.length;
    this.#events.push({ type: "response.output_item.added", output_index, item });
    this.#events.push({ type: "response.output_item.done", output_index, item });
    this.#items.push(item);
    return this;
  }

  /** Sets the usage the terminal event reports. */
  usage(usage: FakeUsage): this {
    this.#usage = usage;
    return this;
  }

  #usageObject() {
    const u = this.#usage;
    return {
      input_tokens: u.input_tokens,
      input_tokens_details: { cached_tokens: u.cached_tokens ?? 0 },
      output_tokens: u.output_tokens,
      output_tokens_details: { reasoning_tokens: u.reasoning_tokens ?? 0 },
      total_tokens: u.input_tokens + u.output_tokens,
    };
  }

  #start(): FakeEvent[] {
    return [
      { type: "response.created", response: this.#response("in_progress") },
      { type: "response.in_progress", response: this.#response("in_progress") },
    ];
  }

  /**
   * Ends with `response.completed`. Like the real backend, `output` is empty
   * unless `fullOutput` is set.
   */
  completed(options: { fullOutput?: boolean } = {}): FakeEvent[] {
    return number([
      ...this.#start(),
      ...this.#events,
      {
        type: "response.completed",
        response: this.#response("completed", {
          output: options.fullOutput ? this.#items : [],
          usage: this.#usageObject(),
        }),
      },
    ]);
  }

  /** Ends with `response.incomplete` (max_output_tokens or content_filter). */
  incomplete(reason: "max_output_tokens" | "content_filter"): FakeEvent[] {
    return number([
      ...this.#start(),
      ...this.#events,
      {
        type: "response.incomplete",
        response: this.#response("incomplete", {
          incomplete_details: { reason },
          usage: this.#usageObject(),
        }),
      },
    ]);
  }

  /** Ends with `response.failed`. */
  failed(code: string, message: string): FakeEvent[] {
    return number([
      ...this.#start(),
      ...this.#events,
      { type: "response.failed", response: this.#response("failed", { error: { code, message } }) },
    ]);
  }
}

/** The `error` event the backend sends for a context overflow, before any output. */
export function contextOverflowEvents(): FakeEvent[] {
  return number([
    {
      type: "error",
      error: {
        type: "invalid_request_error",
        code: "context_length_exceeded",
        message:
          "Your input exceeds the context window of this model. Please adjust your input and try again.",
        param: "input",
      },
    },
  ]);
}

/** Splits text into `n` non-empty pieces (fewer when it is shorter). */
export function split(text: string, n: number): string[] {
  if (text === "") return [];
  const count = Math.max(1, Math.min(n, text.length));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function number(events: FakeEvent[]): FakeEvent[] {
  return events.map((e, sequence_number) => ({ ...e, sequence_number }));
}

/** Formats events as the backend does: `event:` + `data:` lines, no `[DONE]`. */
export function toSse(events: readonly FakeEvent[]): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}
