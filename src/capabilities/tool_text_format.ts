/**
 * `tool_text_format: xml | markdown`: each tool call becomes assistant text,
 * streamed as its arguments arrive, for clients that parse tool use from text
 * (formats in docs/clients.md#tool-calls-as-text). The call item is replaced by a
 * message item with the same id and output index.
 *
 * xml:       <tool_call name="shell" call_id="call_1">{"command":["ls"]}</tool_call>
 * markdown:  ```tool_call
 *            {"name":"shell","call_id":"call_1","arguments":{"command":["ls"]}}
 *            ```
 *
 * @module
 */
import { TERMINAL_EVENTS, type UpstreamEvent, type UpstreamItem } from "../upstream/events.ts";
import type { EventTransform } from "./event_transform.ts";
import {
  isCallItem,
  itemKey,
  messageEndEvents,
  messageItem,
  messageStartEvents,
  textDeltaEvent,
} from "./synthetic_message.ts";

/** A text format of tool calls. */
export type ToolTextFormat = "xml" | "markdown";

/** How one call is written: opening, each argument fragment, closing. */
interface CallRenderer {
  open: string;
  fragment(delta: string): string;
  /** Closing text; `sawArguments` false means nothing was written between. */
  close(sawArguments: boolean): string;
}

/** The renderer of one call in a format. */
export function callRenderer(
  format: ToolTextFormat,
  call: { name: string; callId: string; freeform: boolean },
): CallRenderer {
  if (format === "xml") {
    return {
      open: `<tool_call name="${escapeAttribute(call.name)}" call_id="${
        escapeAttribute(call.callId)
      }">`,
      fragment: escapeXml,
      close: () => "</tool_call>",
    };
  }
  const head = "```tool_call\n" +
    `{"name":${JSON.stringify(call.name)},"call_id":${JSON.stringify(call.callId)},`;
  if (call.freeform) {
    return {
      open: `${head}"input":"`,
      fragment: (delta) => JSON.stringify(delta).slice(1, -1),
      close: () => '"}\n```',
    };
  }
  return {
    open: `${head}"arguments":`,
    fragment: (delta) => delta,
    close: (sawArguments) => `${sawArguments ? "" : "{}"}}\n\`\`\``,
  };
}

/** Renders a finished call item in one piece. */
export function renderCallText(
  format: ToolTextFormat,
  item: UpstreamItem,
  toolName: (name: string) => string = (n) => n,
): string {
  const freeform = item.type === "custom_tool_call";
  const renderer = callRenderer(format, {
    name: toolName(item.name ?? ""),
    callId: item.call_id ?? "",
    freeform,
  });
  const args = (freeform ? item.input : item.arguments) ?? "";
  return renderer.open + (args ? renderer.fragment(args) : "") + renderer.close(args !== "");
}

interface RenderedCall {
  renderer: CallRenderer;
  outputIndex?: number;
  text: string[];
  sawArguments: boolean;
  closed: boolean;
}

/** Per-request transform rendering tool calls as text. */
export class ToolTextFormatter implements EventTransform {
  readonly #format: ToolTextFormat;
  readonly #toolName: (name: string) => string;
  readonly #calls = new Map<string, RenderedCall>();
  /** Full text of each rendered call, for the terminal event's `output` list. */
  readonly #rendered = new Map<string, string>();
  #sawText = false;

  constructor(format: ToolTextFormat, toolName: (name: string) => string = (n) => n) {
    this.#format = format;
    this.#toolName = toolName;
  }

  push(event: UpstreamEvent): UpstreamEvent[] {
    switch (event.type) {
      case "response.output_item.added":
        return isCallItem(event.item) ? this.#added(event, event.item) : [event];
      case "response.output_text.delta":
        if (event.delta) this.#sawText = true;
        return [event];
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta": {
        const key = itemKey(event.item_id, event.output_index);
        const call = this.#calls.get(key);
        if (!call || !event.delta) return call ? [] : [event];
        call.sawArguments = true;
        return [this.#write(key, call, call.renderer.fragment(event.delta))];
      }
      case "response.function_call_arguments.done":
      case "response.custom_tool_call_input.done": {
        const key = itemKey(event.item_id, event.output_index);
        const call = this.#calls.get(key);
        if (!call) return [event];
        const full = typeof event.arguments === "string" ? event.arguments : event.input;
        return this.#close(key, call, typeof full === "string" ? full : "");
      }
      case "response.output_item.done": {
        if (!isCallItem(event.item)) return [event];
        const key = itemKey(event.item.id, event.output_index);
        const call = this.#calls.get(key);
        if (!call) return [event];
        const full = event.item.type === "custom_tool_call"
          ? event.item.input
          : event.item.arguments;
        const out = this.#close(key, call, full ?? "");
        this.#calls.delete(key);
        this.#rendered.set(key, call.text.join(""));
        return [...out, ...messageEndEvents(key, call.outputIndex, call.text.join(""))];
      }
      default:
        return TERMINAL_EVENTS.has(event.type) ? this.#terminal(event) : [event];
    }
  }

  #added(event: UpstreamEvent, item: UpstreamItem): UpstreamEvent[] {
    const key = itemKey(item.id, event.output_index);
    const call: RenderedCall = {
      renderer: callRenderer(this.#format, {
        name: this.#toolName(item.name ?? ""),
        callId: item.call_id ?? "",
        freeform: item.type === "custom_tool_call",
      }),
      outputIndex: event.output_index,
      text: [],
      sawArguments: false,
      closed: false,
    };
    this.#calls.set(key, call);
    const separator = this.#sawText ? "\n\n" : "";
    this.#sawText = true;
    return [
      ...messageStartEvents(key, event.output_index),
      this.#write(key, call, separator + call.renderer.open),
    ];
  }

  /** Writes the rest of the arguments (when none streamed) and the closing text, once. */
  #close(key: string, call: RenderedCall, full: string): UpstreamEvent[] {
    if (call.closed) return [];
    call.closed = true;
    const out: UpstreamEvent[] = [];
    if (!call.sawArguments && full !== "") {
      call.sawArguments = true;
      out.push(this.#write(key, call, call.renderer.fragment(full)));
    }
    out.push(this.#write(key, call, call.renderer.close(call.sawArguments)));
    return out;
  }

  #write(key: string, call: RenderedCall, text: string): UpstreamEvent {
    call.text.push(text);
    return textDeltaEvent(key, call.outputIndex, text);
  }

  #terminal(event: UpstreamEvent): UpstreamEvent[] {
    const out: UpstreamEvent[] = [];
    for (const [key, call] of this.#calls) {
      out.push(...this.#close(key, call, ""));
      out.push(...messageEndEvents(key, call.outputIndex, call.text.join("")));
      this.#rendered.set(key, call.text.join(""));
    }
    this.#calls.clear();
    const output = event.response?.output;
    if (!Array.isArray(output) || !output.some(isCallItem)) return [...out, event];
    const converted = output.map((item) =>
      isCallItem(item)
        ? messageItem(
          item.id ?? "",
          (item.id && this.#rendered.get(item.id)) ||
            renderCallText(this.#format, item, this.#toolName),
        )
        : item
    );
    return [...out, { ...event, response: { ...event.response, output: converted } }];
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/"/g, "&quot;");
}
