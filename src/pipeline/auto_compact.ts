/**
 * Stage 4 with the `auto_compact` capability
 * (docs/websocket-and-compaction.md#auto-compact): for clients that cannot
 * compact (Chat Completions, Anthropic Messages, many agents), codexgate does
 * what the Codex CLI does near a model's limit. When the input would not fit
 * (estimated above the catalog's `auto_compact_token_limit`, else 90% of its
 * `context_window`), or the backend answers `context_length_exceeded`, the
 * older part of the conversation is sent with a `compaction_trigger` item,
 * and the one opaque `compaction` item that comes back replaces it; then the
 * request goes again. The leading instructions and the current turn (from
 * the last user message on) are never compacted.
 *
 * Compactions are cached by the conversation prefix they replace (a rolling
 * hash of its items, the account and the model), so the next turn of the
 * same conversation reuses one instead of compacting again.
 *
 * Without the capability this is exactly `forward`.
 *
 * @module
 */
import type { Capabilities } from "../capabilities/schema.ts";
import { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { CatalogModel } from "../models/catalog.ts";
import type { InputItem } from "../request/request_model.ts";
import { SseParser } from "../sse/sse_parse_stream.ts";
import type { CompactionCache } from "../state/compaction_cache.ts";
import { ResponseAccumulator } from "../upstream/response_accumulator.ts";
import { UpstreamEventReader } from "../upstream/upstream_event_reader.ts";
import type { UpstreamRequest } from "../upstream/upstream_request.ts";
import type { UpstreamAnswer } from "./forward.ts";
import { startTimer, type Timer } from "../timers.ts";

/** What compacting needs besides the request. */
export interface AutoCompactOptions {
  capabilities: Readonly<Capabilities>;
  /** The model's catalog entry (its limits). */
  entry?: CatalogModel;
  /** Sends one request upstream: `forward` with this request's context. */
  send: (request: UpstreamRequest) => Promise<UpstreamAnswer>;
  cache: CompactionCache;
  /** The account the request goes out with: a compaction is bound to it. */
  accountId: string;
  /** Bound on each gap between the compaction's events, milliseconds. */
  idleMs: number;
  logger: Logger;
}

/** What happened, for the answer's header and the log. */
export interface CompactionNote {
  /** `created`: compacted now; `reused`: an earlier compaction of this prefix. */
  kind: "created" | "reused";
  /** How many items of the conversation the compaction stands in for. */
  replacedItems: number;
}

/** The answer, the request that got it (possibly compacted) and what was done. */
export interface CompactingResult {
  answer: UpstreamAnswer;
  request: UpstreamRequest;
  compaction?: CompactionNote;
}

/** The header that tells the client its conversation was compacted. */
export const COMPACTION_HEADER = "x-codexgate-compaction";

/** The part of the context window used when the catalog names no compaction limit. */
const CONTEXT_WINDOW_SHARE = 0.9;

/** `forward`, compacting the older input first when it would not fit. */
export async function forwardCompacting(
  request: UpstreamRequest,
  options: AutoCompactOptions,
): Promise<CompactingResult> {
  if (!options.capabilities.auto_compact) return { answer: await options.send(request), request };
  const limit = tokenLimit(options.entry);
  let current = request;
  let compaction: CompactionNote | undefined;
  if (limit !== undefined && estimateTokens(request) > limit) {
    const compacted = await compact(request, limit, options);
    if (compacted) ({ request: current, note: compaction } = compacted);
  }
  const attempt = await sendPeeking(current, options);
  if (!attempt.overflow) return { answer: attempt.answer, request: current, compaction };
  // The backend's own count said no: compact (again) regardless of the estimate.
  const compacted = compaction ? undefined : await compact(request, 0, options);
  if (!compacted) throw attempt.overflow;
  const retry = await sendPeeking(compacted.request, options);
  if (retry.overflow) throw retry.overflow;
  return { answer: retry.answer, request: compacted.request, compaction: compacted.note };
}

/** The header value for a note. */
export function compactionHeaderValue(note: CompactionNote): string {
  return `${note.kind}; replaced_items=${note.replacedItems}`;
}

function tokenLimit(entry: CatalogModel | undefined): number | undefined {
  const explicit = entry?.auto_compact_token_limit;
  if (typeof explicit === "number" && explicit > 0) return explicit;
  const window = entry?.context_window;
  return typeof window === "number" && window > 0
    ? Math.floor(window * CONTEXT_WINDOW_SHARE)
    : undefined;
}

/** A rough count (a quarter of the JSON length), enough to decide before sending. */
export function estimateTokens(request: UpstreamRequest): number {
  const { input, instructions, tools } = request.body;
  return Math.ceil(
    (JSON.stringify(input).length + instructions.length + JSON.stringify(tools).length) / 4,
  );
}

/** The input cut in three: leading instructions, the older conversation, the current turn. */
function splitInput(input: readonly InputItem[]) {
  let head = 0;
  while (head < input.length && isInstruction(input[head])) head++;
  let turn = input.length;
  for (let i = input.length - 1; i >= head; i--) {
    if (input[i].type === "message" && (input[i] as { role?: string }).role === "user") {
      turn = i;
      break;
    }
  }
  return { head: input.slice(0, head), older: input.slice(head, turn), recent: input.slice(turn) };
}

function isInstruction(item: InputItem): boolean {
  const role = (item as { role?: string }).role;
  return item.type === "message" && (role === "developer" || role === "system");
}

/** Rolling hashes: `keys[i]` names the prefix `older[0..i]` (inclusive) for this account and model. */
async function prefixKeys(
  older: readonly InputItem[],
  accountId: string,
  model: string,
): Promise<string[]> {
  let hash = await digestHex(`${accountId}\n${model}`);
  const keys: string[] = [];
  for (const item of older) {
    hash = await digestHex(hash + JSON.stringify(item));
    keys.push(hash);
  }
  return keys;
}

const encoder = new TextEncoder();

/** SHA-256 in hex by Web Crypto: native speed for a long conversation, and no `node:crypto`. */
async function digestHex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function compact(
  request: UpstreamRequest,
  limit: number,
  options: AutoCompactOptions,
): Promise<{ request: UpstreamRequest; note: CompactionNote } | undefined> {
  const { head, older, recent } = splitInput(request.body.input);
  if (older.length === 0) return undefined;
  const keys = await prefixKeys(older, options.accountId, request.body.model);
  const withInput = (input: InputItem[]): UpstreamRequest => ({
    ...request,
    body: { ...request.body, input },
  });
  // The longest prefix compacted before, if any.
  let reusedUpTo = 0;
  let reused: readonly InputItem[] | undefined;
  for (let i = keys.length - 1; i >= 0 && !reused; i--) {
    reused = await options.cache.get(keys[i]);
    if (reused) reusedUpTo = i + 1;
  }
  if (reused) {
    const candidate = withInput([...head, ...reused, ...older.slice(reusedUpTo), ...recent]);
    if (reusedUpTo === older.length || estimateTokens(candidate) <= limit) {
      options.logger.info("auto-compact: reused an earlier compaction", {
        requestId: request.requestId,
        replaced_items: reusedUpTo,
      });
      return { request: candidate, note: { kind: "reused", replacedItems: reusedUpTo } };
    }
  }
  // Compact what is older than this turn: the earlier compaction (if any) and what followed it.
  const toCompact = [...(reused ?? []), ...older.slice(reusedUpTo)];
  const items = await requestCompaction(withInput([...head, ...toCompact]), options);
  if (!items) return undefined;
  await options.cache.set(keys[keys.length - 1], items);
  options.logger.info("auto-compact: compacted the older conversation", {
    requestId: request.requestId,
    replaced_items: older.length,
  });
  return {
    request: withInput([...head, ...items, ...recent]),
    note: { kind: "created", replacedItems: older.length },
  };
}

/** Sends `request` + `compaction_trigger`; the `compaction` items it answers, or undefined. */
async function requestCompaction(
  request: UpstreamRequest,
  options: AutoCompactOptions,
): Promise<InputItem[] | undefined> {
  const trigger = {
    ...request,
    body: { ...request.body, input: [...request.body.input, { type: "compaction_trigger" }] },
  };
  try {
    const answer = await options.send(trigger);
    const reader = new UpstreamEventReader(answer.response.body!, options.idleMs, options.logger);
    const accumulator = new ResponseAccumulator();
    for (let batch = await reader.next(); batch; batch = await reader.next()) {
      for (const { event } of batch) accumulator.push(event);
    }
    const result = accumulator.result();
    const items = result.output.filter((i) => i.type === "compaction") as Record<
      string,
      unknown
    >[];
    if (result.outcome === "completed" && items.length > 0) {
      // Item ids are not kept by the backend (store: false): the item goes back without one.
      return items.map(({ id: _id, ...rest }) => rest as InputItem);
    }
    options.logger.warn("auto-compact: the backend answered no compaction", {
      requestId: request.requestId,
      outcome: result.outcome,
    });
  } catch (err) {
    if (err instanceof ProxyError && err.status === 499) throw err;
    options.logger.warn("auto-compact: compacting failed; sending the request as it is", {
      requestId: request.requestId,
      error: (err as Error).message,
    });
  }
  return undefined;
}

/** An answer to hand on, or the backend's refusal of an input over the limit. */
type Peeked = { answer: UpstreamAnswer; overflow?: undefined } | { overflow: ProxyError };

/**
 * Sends and reads up to the first event that is not a lifecycle one: an
 * in-stream `context_length_exceeded` (what the backend sends for an input
 * over the limit) is returned as `overflow`, with the stream closed; any
 * other answer is handed on whole, the bytes read so far first.
 */
async function sendPeeking(
  request: UpstreamRequest,
  options: AutoCompactOptions,
): Promise<Peeked> {
  let answer: UpstreamAnswer;
  try {
    answer = await options.send(request);
  } catch (err) {
    if (err instanceof ProxyError && err.code === "context_length_exceeded") {
      return { overflow: err };
    }
    throw err;
  }
  const reader = answer.response.body!.getReader();
  const seen: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let decided: Record<string, unknown> | null | undefined;
  const parser = new SseParser((frame) => {
    if (decided !== undefined) return;
    try {
      const event = JSON.parse(frame.data) as Record<string, unknown>;
      if (event.type !== "response.created" && event.type !== "response.in_progress") {
        decided = event;
      }
    } catch {
      decided = null;
    }
  });
  while (decided === undefined) {
    const { value, done } = await readWithin(reader, options.idleMs);
    if (done) break;
    seen.push(value);
    parser.feed(decoder.decode(value, { stream: true }));
  }
  if (decided && isContextOverflow(decided)) {
    reader.cancel().catch(() => {});
    const error = new ProxyError(400, overflowMessage(decided), {
      code: "context_length_exceeded",
      param: "messages",
    });
    return { overflow: error };
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const response = new Response(body, {
    status: answer.response.status,
    headers: answer.response.headers,
  });
  return { answer: { ...answer, response } };
}

/** One read, bounded like every gap between the backend's events. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleMs: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = startTimer(idleMs, () => {
      const error = new ProxyError(504, `The Codex backend sent nothing for ${idleMs / 1000} s`, {
        code: "upstream_timeout",
        type: "timeout_error",
      });
      reader.cancel(error).catch(() => {});
      reject(error);
    });
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    timer?.cancel();
  }
}

function isContextOverflow(event: Record<string, unknown>): boolean {
  const error = (event.error ??
    (event.response as { error?: unknown } | undefined)?.error) as
      | { code?: unknown }
      | undefined;
  return (event.type === "error" || event.type === "response.failed") &&
    (error?.code === "context_length_exceeded" || event.code === "context_length_exceeded");
}

function overflowMessage(event: Record<string, unknown>): string {
  const error = (event.error ?? (event.response as { error?: unknown } | undefined)?.error) as
    | { message?: unknown }
    | undefined;
  return String(error?.message ?? "The input exceeds the model's context window.");
}
