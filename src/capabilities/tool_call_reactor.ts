/**
 * The tool-call reactor (`bypass_tool_call_reactor: false`): applies the
 * backend's `reactor_rules` to each tool call before the client sees it.
 * A call that no rule names streams untouched; a call a rule names is held
 * only while matching needs it (a rule with a pattern needs the whole
 * arguments, a plain name rule does not), then blocked, rewritten or passed.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { TERMINAL_EVENTS, type UpstreamEvent, type UpstreamItem } from "../upstream/events.ts";
import type { EventTransform } from "./event_transform.ts";
import {
  type CallArguments,
  type CompiledRule,
  parseArguments,
  patternMatches,
  replaceArgument,
} from "./reactor_rules.ts";
import { isCallItem, itemKey, messageItem, wholeMessageEvents } from "./synthetic_message.ts";

/** The backend's built-in shell tool call: no name, no deltas, its command in `action`. */
const LOCAL_SHELL_CALL = "local_shell_call";

/** Items the reactor judges: function and custom tool calls, and local_shell_call. */
function isReactorItem(item: UpstreamItem | undefined): item is UpstreamItem {
  return item !== undefined && (item.type === LOCAL_SHELL_CALL || isCallItem(item));
}

/** The tool name rules match: a local_shell_call counts as the tool `local_shell`. */
function callName(item: UpstreamItem): string | undefined {
  return item.type === LOCAL_SHELL_CALL ? "local_shell" : item.name;
}

/** What the reactor does with one call. */
type Decision =
  | { kind: "pass" }
  | { kind: "block"; rule: CompiledRule; messageId: string; text: string }
  | { kind: "rewrite"; rule: CompiledRule; name?: string; args?: string };

interface TrackedCall {
  item: UpstreamItem;
  outputIndex?: number;
  candidates: CompiledRule[];
  fragments: string[];
  /** Events withheld until the decision. */
  held?: UpstreamEvent[];
  decision?: Decision;
  /** Whether the arguments were seen whole and the rules evaluated. */
  evaluated: boolean;
}

/** Per-request inputs of the reactor. */
export interface ReactorOptions {
  rules: readonly CompiledRule[];
  logger: Logger;
  requestId: string;
  /** The client's name for an upstream tool name (rules match the client's names). */
  toolName?: (upstreamName: string) => string;
}

/** The default refusal; `{tool}` and `{rule}` are filled in (configured messages too). */
export const DEFAULT_BLOCK_MESSAGE = "codexgate blocked a call to `{tool}` (rule: {rule}).";

/** The reactor for one request. */
export class ToolCallReactor implements EventTransform {
  readonly #options: ReactorOptions;
  readonly #calls = new Map<string, TrackedCall>();
  /** Decisions by item id, kept for the terminal event's `output` list. */
  readonly #decided = new Map<string, Decision>();
  #sawText = false;

  constructor(options: ReactorOptions) {
    this.#options = options;
  }

  push(event: UpstreamEvent): UpstreamEvent[] {
    switch (event.type) {
      case "response.output_item.added":
        return isReactorItem(event.item) ? this.#added(event, event.item) : [event];
      case "response.output_text.delta":
        if (event.delta) this.#sawText = true;
        return [event];
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        return this.#delta(event);
      case "response.function_call_arguments.done":
      case "response.custom_tool_call_input.done":
        return this.#argumentsDone(event);
      case "response.output_item.done":
        return isReactorItem(event.item) ? this.#itemDone(event, event.item) : [event];
      default:
        return TERMINAL_EVENTS.has(event.type) ? this.#terminal(event) : [event];
    }
  }

  #added(event: UpstreamEvent, item: UpstreamItem): UpstreamEvent[] {
    const name = this.#clientName(callName(item));
    const candidates = this.#options.rules.filter((r) => r.matchesTool(name));
    if (candidates.length === 0) return [event];
    const call: TrackedCall = {
      item,
      outputIndex: event.output_index,
      candidates,
      fragments: [],
      evaluated: false,
    };
    this.#calls.set(itemKey(item.id, event.output_index), call);
    // The first rule that can act decides; if it needs the arguments, hold the call.
    const first = candidates.find((r) => r.action !== "log");
    if (!first) return [event];
    // A local_shell_call's command comes whole in output_item.done.
    if (first.pattern || first.replaceWith !== undefined || item.type === LOCAL_SHELL_CALL) {
      call.held = [event];
      return [];
    }
    call.decision = this.#decide(call, first, undefined);
    this.#report(call, first);
    return this.#release(call, [event]);
  }

  #delta(event: UpstreamEvent): UpstreamEvent[] {
    const call = this.#calls.get(itemKey(event.item_id, event.output_index));
    if (!call) return [event];
    call.fragments.push(event.delta ?? "");
    if (call.held) {
      call.held.push(event);
      return [];
    }
    return this.#after(call, event);
  }

  #argumentsDone(event: UpstreamEvent): UpstreamEvent[] {
    const call = this.#calls.get(itemKey(event.item_id, event.output_index));
    if (!call) return [event];
    const full = typeof event.arguments === "string"
      ? event.arguments
      : typeof event.input === "string"
      ? event.input
      : call.fragments.join("");
    if (call.evaluated) return this.#after(call, event);
    if (!call.held) {
      this.#evaluate(call, full);
      return this.#after(call, event);
    }
    call.held.push(event);
    return this.#evaluate(call, full);
  }

  #itemDone(event: UpstreamEvent, item: UpstreamItem): UpstreamEvent[] {
    const key = itemKey(item.id, event.output_index);
    const call = this.#calls.get(key);
    if (!call) return [event];
    const full = item.type === "custom_tool_call"
      ? item.input
      : item.type === LOCAL_SHELL_CALL
      ? JSON.stringify(item.action ?? {})
      : item.arguments;
    const released = call.evaluated
      ? []
      : this.#evaluate(call, typeof full === "string" ? full : call.fragments.join(""));
    this.#calls.delete(key);
    return [...released, ...this.#after(call, event)];
  }

  #terminal(event: UpstreamEvent): UpstreamEvent[] {
    // A stream that ends inside a held call: decide on what arrived.
    const released: UpstreamEvent[] = [];
    for (const call of this.#calls.values()) {
      if (!call.evaluated) released.push(...this.#evaluate(call, call.fragments.join("")));
    }
    this.#calls.clear();
    const output = event.response?.output;
    if (!Array.isArray(output) || output.length === 0 || this.#decided.size === 0) {
      return [...released, event];
    }
    const rewritten = output.flatMap((item) => {
      const decision = item.id ? this.#decided.get(item.id) : undefined;
      return decision ? this.#applyToItem(decision, item) : [item];
    });
    return [...released, { ...event, response: { ...event.response, output: rewritten } }];
  }

  /** Evaluates every candidate rule on the whole arguments; returns held events to release. */
  #evaluate(call: TrackedCall, full: string): UpstreamEvent[] {
    call.evaluated = true;
    const args = parseArguments(full, call.item.type === "custom_tool_call");
    for (const rule of call.candidates) {
      if (!patternMatches(rule, args, full)) continue;
      if (rule.action === "log") {
        this.#report(call, rule);
      } else if (!call.decision) {
        call.decision = this.#decide(call, rule, args);
        this.#report(call, rule);
      }
    }
    call.decision ??= { kind: "pass" };
    const held = call.held;
    call.held = undefined;
    return held ? this.#release(call, held) : [];
  }

  #decide(call: TrackedCall, rule: CompiledRule, args: CallArguments | undefined): Decision {
    const tool = this.#clientName(callName(call.item));
    if (rule.action === "block") {
      const template = rule.message ?? DEFAULT_BLOCK_MESSAGE;
      const text = template.replaceAll("{tool}", tool).replaceAll("{rule}", rule.name);
      const id = `msg_${call.item.id ?? call.item.call_id ?? call.outputIndex}_blocked`;
      return { kind: "block", rule, messageId: id, text: (this.#sawText ? "\n\n" : "") + text };
    }
    const decision: Decision = { kind: "rewrite", rule };
    if (rule.renameTo) decision.name = rule.renameTo;
    if (args) decision.args = replaceArgument(rule, args);
    return decision;
  }

  /** Events to send in place of the first events of a decided call. */
  #release(call: TrackedCall, events: UpstreamEvent[]): UpstreamEvent[] {
    const decision = call.decision!;
    if (call.item.id) this.#decided.set(call.item.id, decision);
    if (decision.kind === "pass") return events;
    if (decision.kind === "block") {
      this.#sawText = true;
      return wholeMessageEvents(decision.messageId, call.outputIndex, decision.text);
    }
    const out: UpstreamEvent[] = [];
    let argsSent = false;
    for (const event of events) {
      if (event.type === "response.output_item.added" && event.item) {
        out.push({ ...event, item: this.#rewriteItem(decision, event.item) });
      } else if (event.type.endsWith(".delta") && decision.args !== undefined) {
        // The original fragments no longer add up; send the new arguments once.
        if (!argsSent) out.push({ ...event, delta: decision.args });
        argsSent = true;
      } else {
        out.push(this.#after(call, event)[0] ?? event);
      }
    }
    return out;
  }

  /** An event of a decided call, after its first events were released. */
  #after(call: TrackedCall, event: UpstreamEvent): UpstreamEvent[] {
    const decision = call.decision;
    if (!decision || decision.kind === "pass") return [event];
    if (decision.kind === "block") return [];
    if (event.type === "response.output_item.done" && event.item) {
      return [{ ...event, item: this.#rewriteItem(decision, event.item) }];
    }
    if (event.type.endsWith(".done") && decision.args !== undefined) {
      return [{ ...event, arguments: decision.args }];
    }
    return [event];
  }

  #applyToItem(decision: Decision, item: UpstreamItem): UpstreamItem[] {
    if (decision.kind === "pass") return [item];
    if (decision.kind === "block") return [messageItem(decision.messageId, decision.text)];
    return [this.#rewriteItem(decision, item)];
  }

  #rewriteItem(decision: Extract<Decision, { kind: "rewrite" }>, item: UpstreamItem): UpstreamItem {
    const out = { ...item };
    if (item.type === LOCAL_SHELL_CALL) {
      // No name to change; the arguments are its `action`.
      if (decision.args !== undefined) out.action = JSON.parse(decision.args);
      return out;
    }
    if (decision.name) out.name = decision.name;
    if (decision.args !== undefined) out.arguments = decision.args;
    return out;
  }

  #report(call: TrackedCall, rule: CompiledRule): void {
    this.#options.logger.info("tool-call reactor rule matched", {
      requestId: this.#options.requestId,
      rule: rule.name,
      action: rule.action,
      tool: this.#clientName(callName(call.item)),
      call_id: call.item.call_id,
    });
  }

  #clientName(name: string | undefined): string {
    return this.#options.toolName?.(name ?? "") ?? name ?? "";
  }
}
