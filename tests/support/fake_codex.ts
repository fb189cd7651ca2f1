/**
 * A faithful fake of the Codex backend and the OAuth token endpoint, on
 * 127.0.0.1:0 (docs/backend-protocol.md). It refuses what the real backend
 * refuses, streams
 * the way it streams, and records every request for assertions.
 *
 * @module
 */
import { readClaims } from "../../src/auth/jwt.ts";
import { contextOverflowEvents, type FakeEvent, ScriptBuilder, toSse } from "./fake_script.ts";
import { makeTokenSet, type TokenSet } from "./tokens.ts";

/** Fields the backend accepts in a `/responses` body (docs/backend-protocol.md#the-allow-list). */
export const ACCEPTED_FIELDS = new Set([
  "model",
  "instructions",
  "input",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "store",
  "stream",
  "include",
  "prompt_cache_key",
  "text",
  "client_metadata",
  "service_tier",
]);

/** A recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
  /** Resolves when the client closed or finished reading the answer. */
  closed: Promise<void>;
  /** Resolves when a `stallBody` answer's half body was taken and more was asked for. */
  stalled: Promise<void>;
}

/** What the fake answers to one `/responses` request. */
export type Reply =
  | {
    kind: "events";
    events: FakeEvent[];
    delayMs?: number;
    firstByteDelayMs?: number;
    cutAfter?: number;
    /** After this many events, send nothing more and keep the connection open until the client leaves. */
    hangAfter?: number;
    headers?: Record<string, string>;
  }
  | {
    kind: "status";
    status: number;
    body: string;
    headers?: Record<string, string>;
    /** Send the first half of the body, then nothing more until the client leaves. */
    stallBody?: boolean;
  }
  | { kind: "hang" };

/** Chooses the reply for a request; `undefined` falls back to the default script. */
export type Responder = (request: RecordedRequest, index: number) => Reply | undefined;

/** Options of {@link startFakeCodex}. */
export interface FakeCodexOptions {
  /** Extra accepted account ids besides the ones of issued tokens. */
  responder?: Responder;
  /** Milliseconds the token endpoint waits before answering. */
  tokenDelayMs?: number;
  /** When set, the token endpoint answers this status (an outage) instead of refreshing. */
  tokenErrorStatus?: number;
  /** Catalog models; defaults to a small catalog of our own. */
  models?: Record<string, unknown>[];
  /**
   * Refuses (in-stream `context_length_exceeded`, as the backend does) a body whose
   * input is estimated above this many tokens ({@link estimateFakeTokens}).
   */
  contextLimitTokens?: number;
}

/** A running fake. */
export interface FakeCodex extends AsyncDisposable {
  /** Base URL to configure as the backend (`…/backend-api/codex`). */
  baseUrl: string;
  /** Token endpoint URL. */
  tokenUrl: string;
  origin: string;
  /** Every `/responses` request. */
  calls: RecordedRequest[];
  /** Every token-endpoint request. */
  tokenCalls: RecordedRequest[];
  /** Every `/models` request. */
  modelCalls: RecordedRequest[];
  /** Every `/images/generations` and `/images/edits` request. */
  imageCalls: RecordedRequest[];
  /** Every `/responses/compact` request. */
  compactCalls: RecordedRequest[];
  /** Every token set the token endpoint issued, in order. */
  issued: TokenSet[];
  /** Registers a token set as valid (access token accepted, refresh token usable once). */
  accept(tokens: TokenSet): void;
  /** Revokes an access token: the backend answers 401 to it. */
  revoke(accessToken: string): void;
  /** Replaces the responder. */
  respond(responder: Responder | undefined): void;
  /** Queues replies used in order before the responder. */
  enqueue(...replies: Reply[]): void;
  /** Makes the catalog answer 503 (down) or recover. */
  setCatalogDown(down: boolean): void;
  /**
   * Scripts an account (by `chatgpt-account-id`): every `/responses` request of
   * it gets `reply` (e.g. `replies.usageLimit()`) until `undefined` lifts it.
   */
  limitAccount(accountId: string, reply: Reply | undefined): void;
  close(): Promise<void>;
}

/** The plan's usage document (`GET /backend-api/wham/usage`), figures unlike the headers'. */
export const FAKE_WHAM_USAGE = {
  plan_type: "pro",
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: {
      used_percent: 17,
      limit_window_seconds: 18000,
      reset_after_seconds: 3000,
      reset_at: 1795645115,
    },
    secondary_window: {
      used_percent: 43,
      limit_window_seconds: 604800,
      reset_after_seconds: 86400,
      reset_at: 1795727915,
    },
  },
  credits: { has_credits: true, unlimited: false, balance: "4.25" },
};

/** The default catalog: our own short texts, never OpenAI's prompts. */
export const FAKE_MODELS: Record<string, unknown>[] = [
  {
    slug: "gpt-5.4",
    display_name: "gpt-5.4",
    description: "Fake frontier model",
    default_reasoning_level: "medium",
    supported_reasoning_levels: ["low", "medium", "high", "xhigh"].map((effort) => ({
      effort,
      description: effort,
    })),
    visibility: "list",
    supported_in_api: true,
    priority: 1,
    context_window: 272000,
    service_tiers: [{ id: "priority", name: "fast", description: "Fake fast tier" }],
    additional_speed_tiers: ["fast"],
    default_service_tier: null,
    base_instructions: "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.",
  },
  {
    slug: "gpt-5.4-mini",
    display_name: "gpt-5.4-mini",
    description: "Fake small model",
    default_reasoning_level: "medium",
    supported_reasoning_levels: ["low", "medium", "high"].map((effort) => ({
      effort,
      description: effort,
    })),
    visibility: "list",
    supported_in_api: true,
    priority: 2,
    context_window: 128000,
    base_instructions: "FAKE BASE INSTRUCTIONS for gpt-5.4-mini.",
  },
  {
    // Hidden (usable, not listed), and served the "Responses Lite" way.
    slug: "gpt-5.6-lite",
    display_name: "gpt-5.6-lite",
    description: "Fake model that takes its tools as additional_tools items",
    default_reasoning_level: "medium",
    supported_reasoning_levels: ["low", "medium", "high"].map((effort) => ({
      effort,
      description: effort,
    })),
    visibility: "hide",
    supported_in_api: true,
    priority: 50,
    context_window: 272000,
    use_responses_lite: true,
    base_instructions: "FAKE BASE INSTRUCTIONS for gpt-5.6-lite.",
  },
  {
    slug: "codex-auto-review",
    display_name: "codex-auto-review",
    visibility: "hide",
    supported_in_api: true,
    priority: 99,
    base_instructions: "FAKE BASE INSTRUCTIONS for review.",
  },
];

/** Quota headers the backend sends with every answer (docs/backend-protocol.md#quota-headers). */
export const QUOTA_HEADERS: Record<string, string> = {
  "x-codex-primary-used-percent": "12",
  "x-codex-primary-window-minutes": "300",
  "x-codex-primary-reset-after-seconds": "3600",
  "x-codex-primary-reset-at": "1795645115",
  "x-codex-secondary-used-percent": "40",
  "x-codex-secondary-window-minutes": "10080",
  "x-codex-secondary-reset-after-seconds": "86400",
  "x-codex-secondary-reset-at": "1795727915",
  "x-codex-plan-type": "plus",
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function invalid(
  message: string,
  param: string | null = null,
  code: string | null = null,
): Response {
  return json(400, { error: { message, type: "invalid_request_error", param, code } });
}

/**
 * Checks a body the way the backend does
 * (docs/backend-protocol.md#request-body); returns the refusal, or
 * undefined when the body would be accepted.
 */
export function validateBody(body: Record<string, unknown>): Response | undefined {
  for (const key of Object.keys(body)) {
    if (!ACCEPTED_FIELDS.has(key)) {
      return invalid(`Unsupported parameter: ${key}`, key, "unsupported_parameter");
    }
  }
  if (typeof body.instructions !== "string" || body.instructions.trim() === "") {
    return invalid("Instructions are required", "instructions");
  }
  if (body.store !== false) return invalid("Store must be set to false", "store");
  if (body.stream !== true) return invalid("Stream must be set to true", "stream");
  if (typeof body.model !== "string") {
    return invalid("Missing required parameter: 'model'.", "model");
  }
  if (!Array.isArray(body.input)) {
    return invalid("Invalid type for 'input': expected an array.", "input");
  }
  const calls = new Set<string>();
  for (const [i, item] of (body.input as Record<string, unknown>[]).entries()) {
    if (!item || typeof item !== "object") return invalid(`Invalid 'input[${i}]'.`, `input[${i}]`);
    if ("id" in item && item.id !== undefined && item.id !== null) {
      return json(404, {
        error: {
          message:
            `Item with id '${item.id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
          type: "invalid_request_error",
          param: "input",
          code: null,
        },
      });
    }
    if (item.type === "item_reference") {
      return invalid("Item references are not supported when store is false", "input");
    }
    if (item.type === "message" && item.role === "system") {
      return invalid(
        "System messages are not allowed; use instructions or a developer message",
        `input[${i}].role`,
      );
    }
    if (item.type === "reasoning" && typeof item.encrypted_content !== "string") {
      return invalid("Reasoning items need encrypted_content when store is false", `input[${i}]`);
    }
    if (item.type === "function_call" || item.type === "custom_tool_call") {
      calls.add(String(item.call_id));
    }
    if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
      if (!calls.has(String(item.call_id))) {
        return invalid(
          `No tool call found for function call output with call_id ${item.call_id}.`,
          "input",
        );
      }
    }
  }
  const unanswered = unansweredCall(body.input as Record<string, unknown>[]);
  if (unanswered) {
    return invalid(`No tool output found for function call ${unanswered}.`, "input");
  }
  const tools = Array.isArray(body.tools) ? body.tools as Record<string, unknown>[] : [];
  for (const [i, tool] of tools.entries()) {
    if (
      typeof tool.name === "string" &&
      (tool.name.length > 64 || !/^[a-zA-Z0-9_-]+$/.test(tool.name))
    ) {
      return invalid(
        `Invalid 'tools[${i}].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.`,
        `tools[${i}].name`,
        "invalid_value",
      );
    }
  }
  return undefined;
}

/**
 * Checks the settings the backend judges per model
 * (docs/backend-protocol.md#request-body and #model-catalog): a reasoning
 * effort the model's catalog entry does not list is refused, and so is a
 * `json_object` text format with anything beside its type.
 */
export function refuseSettings(
  body: Record<string, unknown>,
  models: readonly Record<string, unknown>[],
): Response | undefined {
  const reasoning = body.reasoning as { effort?: unknown } | undefined;
  const entry = models.find((m) => m.slug === body.model);
  const levels = (entry?.supported_reasoning_levels as { effort: string }[] | undefined)
    ?.map((l) => l.effort);
  if (typeof reasoning?.effort === "string" && levels && !levels.includes(reasoning.effort)) {
    return invalid(
      `Unsupported value: '${reasoning.effort}' is not supported with the '${body.model}' model. ` +
        `Supported values are: ${levels.map((l) => `'${l}'`).join(", ")}.`,
      "reasoning.effort",
      "unsupported_value",
    );
  }
  if (body.service_tier !== undefined) {
    const tiers = (entry?.service_tiers as { id: string }[] | undefined)?.map((t) => t.id) ?? [];
    if (body.service_tier !== "priority" || !tiers.includes("priority")) {
      return invalid(
        `Unsupported value: service_tier '${body.service_tier}' is not supported with the '${body.model}' model.`,
        "service_tier",
        "unsupported_value",
      );
    }
  }
  const format = (body.text as { format?: Record<string, unknown> } | undefined)?.format;
  if (format?.type === "json_object") {
    const extra = Object.keys(format).find((k) => k !== "type");
    if (extra) {
      return invalid(
        `Unknown parameter: 'text.format.${extra}'.`,
        `text.format.${extra}`,
        "unknown_parameter",
      );
    }
  }
  return undefined;
}

/** `additional_tools` input items are only taken on a request marked as Responses Lite. */
function refuseLiteWithoutHeader(
  body: Record<string, unknown>,
  headers: Headers,
): Response | undefined {
  const input = Array.isArray(body.input) ? body.input as Record<string, unknown>[] : [];
  if (!input.some((i) => i.type === "additional_tools")) return undefined;
  if (headers.get("x-openai-internal-codex-responses-lite") === "true") return undefined;
  return invalid("Invalid input item type 'additional_tools'.", "input", "invalid_value");
}

/** The call_id of a tool call with no output after it that does not end the input, if any. */
function unansweredCall(input: Record<string, unknown>[]): string | undefined {
  const open = new Map<string, number>();
  let lastOther = -1;
  input.forEach((item, i) => {
    if (item.type === "function_call" || item.type === "custom_tool_call") {
      open.set(String(item.call_id), i);
      return;
    }
    if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
      open.delete(String(item.call_id));
    }
    if (item.type !== "reasoning") lastOther = i;
  });
  for (const [callId, index] of open) if (index < lastOther) return callId;
  return undefined;
}

/** The default answer: call a tool when asked with `CALL_TOOL=<name>`, else echo the last user text. */
export function defaultReply(body: Record<string, unknown>): Reply {
  const input = (body.input ?? []) as Record<string, unknown>[];
  const model = String(body.model);
  const last = input[input.length - 1];
  const lastUser = [...input].reverse().find((i) => i.type === "message" && i.role === "user");
  const userText = lastUser
    ? (lastUser.content as { text?: string }[]).map((p) => p.text ?? "").join("")
    : "";
  const toolMatch = /CALL_TOOL=([A-Za-z0-9_-]+)/.exec(userText);
  const toolOutputLast = last &&
    (last.type === "function_call_output" || last.type === "custom_tool_call_output");
  const builder = new ScriptBuilder({ model });
  if (toolMatch && !toolOutputLast) {
    const name = toolMatch[1];
    const args = name === "exec_command" || name === "shell"
      ? JSON.stringify(name === "shell" ? { command: ["echo", "hi"] } : { cmd: "echo hi" })
      : JSON.stringify({ input: "x" });
    return { kind: "events", events: builder.toolCall(name, args).completed() };
  }
  if (toolOutputLast) {
    const output = last.output;
    const text = typeof output === "string" ? output : JSON.stringify(output);
    return { kind: "events", events: builder.text(`Tool said: ${text.slice(0, 200)}`).completed() };
  }
  return { kind: "events", events: builder.text(`Echo: ${userText}`).completed() };
}

/** The fake's token estimate of an input: a quarter of its JSON length. */
export function estimateFakeTokens(input: unknown): number {
  return Math.ceil(JSON.stringify(input ?? []).length / 4);
}

/** The prefix of every compaction the fake makes; anything else is refused as not its own. */
export const FAKE_COMPACTION_PREFIX = "fake-compaction:";

/** A compaction item standing in for `items`, as the fake makes it (opaque to codexgate). */
export function fakeCompactionItem(
  items: readonly Record<string, unknown>[],
): Record<string, unknown> {
  const userTexts = items.filter((i) => i.type === "message" && i.role === "user").length;
  return {
    type: "compaction",
    encrypted_content: `${FAKE_COMPACTION_PREFIX}${
      btoa(JSON.stringify({ items: items.length, userTexts }))
    }`,
  };
}

/**
 * Compaction (docs/websocket-and-compaction.md#compaction): an input that ends
 * with `compaction_trigger` is answered with exactly one `compaction` item for
 * the items before it; a `compaction` item not made by the fake is refused.
 */
function compactionReply(body: Record<string, unknown>): Reply | Response | undefined {
  const input = (body.input ?? []) as Record<string, unknown>[];
  const foreign = input.find((i) =>
    i.type === "compaction" && !String(i.encrypted_content ?? "").startsWith(FAKE_COMPACTION_PREFIX)
  );
  if (foreign) {
    return invalid(
      "The encrypted content could not be verified.",
      "input",
      "invalid_encrypted_content",
    );
  }
  if (input.at(-1)?.type !== "compaction_trigger") return undefined;
  const item = fakeCompactionItem(input.slice(0, -1));
  return {
    kind: "events",
    events: new ScriptBuilder({ model: String(body.model) }).item({ ...item, id: "cmp_fake" })
      .completed(),
  };
}

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeCodex(options: FakeCodexOptions = {}): Promise<FakeCodex> {
  const calls: RecordedRequest[] = [];
  const tokenCalls: RecordedRequest[] = [];
  const modelCalls: RecordedRequest[] = [];
  const imageCalls: RecordedRequest[] = [];
  const compactCalls: RecordedRequest[] = [];
  const issued: TokenSet[] = [];
  const validAccess = new Map<string, string>(); // access token → account id
  const refreshTokens = new Map<string, { used: boolean; accountId: string }>();
  const queue: Reply[] = [];
  let responder = options.responder;
  let catalogDown = false;
  const accountReplies = new Map<string, Reply>();
  const models = options.models ?? FAKE_MODELS;
  const controller = new AbortController();
  const stalledBy = new WeakMap<RecordedRequest, () => void>();

  const accept = (tokens: TokenSet) => {
    validAccess.set(tokens.access_token, tokens.account_id);
    refreshTokens.set(tokens.refresh_token, { used: false, accountId: tokens.account_id });
  };

  const record = async (
    request: Request,
    list: RecordedRequest[],
  ): Promise<{ rec: RecordedRequest; done: () => void; raw: string }> => {
    const raw = request.method === "POST" ? await request.text() : "";
    let body: Record<string, unknown> | undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
    }
    let done!: () => void;
    const closed = new Promise<void>((r) => (done = r));
    const stalled = Promise.withResolvers<void>();
    const rec: RecordedRequest = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: Object.fromEntries(request.headers),
      body,
      closed,
      stalled: stalled.promise,
    };
    stalledBy.set(rec, stalled.resolve);
    list.push(rec);
    return { rec, done, raw };
  };

  /** Checks bearer and account id; answers 401 like the backend when they are wrong. */
  const authorize = (request: Request): Response | undefined => {
    const auth = request.headers.get("authorization") ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    const account = validAccess.get(token);
    const exp = readClaims(token).exp;
    if (!account || (exp !== undefined && exp * 1000 < Date.now())) {
      return json(401, {
        error: {
          message: "Your authentication token has expired. Please try signing in again.",
          type: "invalid_request_error",
          code: "token_expired",
          param: null,
        },
      });
    }
    if (request.headers.get("chatgpt-account-id") !== account) {
      return json(403, {
        error: {
          message: "Account mismatch",
          type: "invalid_request_error",
          code: "account_mismatch",
        },
      });
    }
    return undefined;
  };

  const serveEvents = (
    reply: Extract<Reply, { kind: "events" }>,
    request: Request,
    done: () => void,
  ): Response => {
    const encoder = new TextEncoder();
    const frames = reply.events.map((e) => toSse([e]));
    let i = 0;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    request.signal.addEventListener("abort", () => done(), { once: true });
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (i === 0 && reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs);
        else if (i > 0 && reply.delayMs) await sleep(reply.delayMs);
        if (reply.hangAfter !== undefined && i >= reply.hangAfter) {
          if (!request.signal.aborted) {
            await new Promise((r) => request.signal.addEventListener("abort", r, { once: true }));
          }
          return;
        }
        if (reply.cutAfter !== undefined && i >= reply.cutAfter) {
          c.close();
          done();
          return;
        }
        if (i >= frames.length) {
          c.close();
          done();
          return;
        }
        c.enqueue(encoder.encode(frames[i++]));
      },
      cancel() {
        done();
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", ...QUOTA_HEADERS, ...reply.headers },
    });
  };

  const statusResponse = (
    reply: Extract<Reply, { kind: "status" }>,
    rec: RecordedRequest,
    request: Request,
    done: () => void,
    headers: Record<string, string> | undefined,
  ): Response => {
    if (!reply.stallBody) {
      done();
      return new Response(reply.body, { status: reply.status, headers });
    }
    request.signal.addEventListener("abort", () => done(), { once: true });
    const half = new TextEncoder().encode(reply.body.slice(0, Math.ceil(reply.body.length / 2)));
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(half),
      pull: () => stalledBy.get(rec)?.(),
      cancel: () => done(),
    });
    return new Response(body, { status: reply.status, headers });
  };

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname === "/oauth/token" && request.method === "POST") {
      const { rec, done } = await record(request, tokenCalls);
      done();
      if (options.tokenDelayMs) await new Promise((r) => setTimeout(r, options.tokenDelayMs));
      if (options.tokenErrorStatus) {
        return json(options.tokenErrorStatus, {
          error: { message: "token service down", type: "server_error", code: "server_error" },
        });
      }
      const body = rec.body ?? {};
      if (
        body.grant_type !== "refresh_token" || typeof body.refresh_token !== "string" ||
        typeof body.client_id !== "string"
      ) {
        return json(400, {
          error: {
            message: "invalid request",
            type: "invalid_request_error",
            code: "invalid_request",
          },
        });
      }
      const entry = refreshTokens.get(body.refresh_token);
      if (!entry) {
        return json(401, {
          error: {
            message: "Could not validate your refresh token.",
            type: "invalid_request_error",
            code: "refresh_token_invalidated",
          },
        });
      }
      if (entry.used) {
        return json(401, {
          error: {
            message:
              "Your refresh token has already been used to generate a new access token. Please try signing in again.",
            type: "invalid_request_error",
            code: "refresh_token_reused",
          },
        });
      }
      entry.used = true;
      const next = makeTokenSet({ accountId: entry.accountId });
      accept(next);
      issued.push(next);
      return json(200, {
        access_token: next.access_token,
        id_token: next.id_token,
        refresh_token: next.refresh_token,
        token_type: "Bearer",
        expires_in: 864000,
      });
    }
    if (url.pathname === "/backend-api/codex/models" && request.method === "GET") {
      const { done } = await record(request, modelCalls);
      done();
      if (catalogDown) return json(503, { error: { message: "catalog down" } });
      const denied = authorize(request);
      if (denied) return denied;
      if (!url.searchParams.get("client_version")) {
        return invalid("client_version is required", "client_version");
      }
      return json(200, { models }, { etag: '"fake-catalog-1"' });
    }
    if (url.pathname === "/backend-api/wham/usage" && request.method === "GET") {
      const denied = authorize(request);
      if (denied) return denied;
      return json(200, FAKE_WHAM_USAGE);
    }
    const imageOperation = /^\/backend-api\/codex\/images\/(generations|edits)$/.exec(url.pathname);
    if (imageOperation && request.method === "POST") {
      const { rec, done } = await record(request, imageCalls);
      done();
      const denied = authorize(request);
      if (denied) return denied;
      const scripted = queue[0]?.kind === "status" ? queue.shift() : undefined;
      if (scripted?.kind === "status") {
        return new Response(scripted.body, {
          status: scripted.status,
          headers: { "content-type": "application/json", ...QUOTA_HEADERS, ...scripted.headers },
        });
      }
      return answerImages(imageOperation[1], rec.body, request.headers);
    }
    if (url.pathname === "/backend-api/codex/responses" && request.method === "POST") {
      const { rec, done, raw } = await record(request, calls);
      const index = calls.length - 1;
      if (!rec.body) {
        done();
        return invalid(`We could not parse the JSON body of your request. (${raw.slice(0, 40)})`);
      }
      if ((request.headers.get("accept") ?? "") !== "text/event-stream") {
        done();
        return invalid("Accept must be text/event-stream");
      }
      const scripted = queue.shift() ?? responder?.(rec, index);
      if (scripted?.kind === "status" && (scripted.status === 401 || scripted.status === 403)) {
        return statusResponse(scripted, rec, request, done, scripted.headers);
      }
      const denied = authorize(request);
      if (denied) {
        done();
        return denied;
      }
      const refused = validateBody(rec.body) ?? refuseSettings(rec.body, models) ??
        refuseLiteWithoutHeader(rec.body, request.headers);
      if (refused) {
        done();
        return refused;
      }
      const compaction = scripted ? undefined : compactionReply(rec.body);
      if (compaction instanceof Response) {
        done();
        return compaction;
      }
      const overLimit = options.contextLimitTokens !== undefined && !compaction &&
        estimateFakeTokens(rec.body.input) > options.contextLimitTokens;
      const reply = scripted ?? compaction ??
        accountReplies.get(request.headers.get("chatgpt-account-id") ?? "") ??
        (overLimit
          ? { kind: "events" as const, events: contextOverflowEvents() }
          : defaultReply(rec.body));
      if (reply.kind === "status") {
        return statusResponse(reply, rec, request, done, {
          "content-type": "application/json",
          ...QUOTA_HEADERS,
          ...reply.headers,
        });
      }
      if (reply.kind === "hang") {
        request.signal.addEventListener("abort", () => done(), { once: true });
        return new Response(new ReadableStream({ cancel: () => done() }), {
          headers: { "content-type": "text/event-stream" },
        });
      }
      return serveEvents(reply, request, done);
    }
    if (url.pathname === "/backend-api/codex/responses/compact" && request.method === "POST") {
      // The older compaction: a unary call whose answer replaces the history.
      const { rec, done } = await record(request, compactCalls);
      done();
      const denied = authorize(request);
      if (denied) return denied;
      const input = rec.body?.input;
      if (!Array.isArray(input) || typeof rec.body?.model !== "string") {
        return invalid("model and input are required", "input");
      }
      return json(200, { output: [fakeCompactionItem(input as Record<string, unknown>[])] });
    }
    return json(404, { detail: "Not Found" });
  };

  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, handler);
  const addr = await listening;
  const origin = `http://127.0.0.1:${addr.port}`;
  const close = async () => {
    controller.abort();
    await server.finished;
  };
  return {
    baseUrl: `${origin}/backend-api/codex`,
    tokenUrl: `${origin}/oauth/token`,
    origin,
    calls,
    tokenCalls,
    modelCalls,
    imageCalls,
    compactCalls,
    issued,
    accept,
    revoke: (token) => validAccess.delete(token),
    respond: (r) => (responder = r),
    enqueue: (...replies) => queue.push(...replies),
    setCatalogDown: (down) => (catalogDown = down),
    limitAccount: (accountId, reply) => {
      if (reply) accountReplies.set(accountId, reply);
      else accountReplies.delete(accountId);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A 1×1 PNG, the image every fake images answer holds. */
export const FAKE_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Fields the backend's images endpoints take (docs/backend-protocol.md#images). */
const IMAGE_FIELDS = new Set(["prompt", "model", "background", "n", "quality", "size"]);

/** Answers `{base}/images/generations` or `/edits` the way the backend does: JSON in, JSON out. */
function answerImages(
  operation: string,
  body: Record<string, unknown> | undefined,
  headers: Headers,
): Response {
  if (!(headers.get("content-type") ?? "").startsWith("application/json") || !body) {
    return invalid("Expected a JSON body");
  }
  for (const key of Object.keys(body)) {
    if (!IMAGE_FIELDS.has(key) && !(operation === "edits" && key === "images")) {
      return invalid(`Unsupported parameter: ${key}`, key, "unsupported_parameter");
    }
  }
  if (typeof body.prompt !== "string" || body.prompt === "") {
    return invalid("Missing required parameter: 'prompt'.", "prompt");
  }
  if (operation === "edits") {
    const images = body.images as { image_url?: unknown }[] | undefined;
    const ok = Array.isArray(images) && images.length > 0 &&
      images.every((i) => typeof i.image_url === "string" && i.image_url.startsWith("data:image/"));
    if (!ok) return invalid("images must be a list of {image_url: data URL}", "images");
  }
  const n = typeof body.n === "number" ? body.n : 1;
  return json(200, {
    created: 1796000000,
    background: "opaque",
    data: Array.from({ length: n }, () => ({ b64_json: FAKE_PNG_BASE64 })),
    output_format: "png",
    quality: "low",
    size: "1024x1024",
    usage: {
      input_tokens: 9,
      input_tokens_details: { image_tokens: 0, text_tokens: 9 },
      output_tokens: 515,
      total_tokens: 524,
    },
  }, QUOTA_HEADERS);
}

/** Convenience replies. */
export const replies = {
  text: (text: string, options: { chunks?: number; model?: string } = {}): Reply => ({
    kind: "events",
    events: new ScriptBuilder({ model: options.model }).text(text, options).completed(),
  }),
  usageLimit: (resetsInSeconds = 3600, plan = "plus"): Reply => ({
    kind: "status",
    status: 429,
    body: JSON.stringify({
      error: {
        type: "usage_limit_reached",
        message: "The usage limit has been reached",
        plan_type: plan,
        resets_at: Math.floor(Date.now() / 1000) + resetsInSeconds,
        resets_in_seconds: resetsInSeconds,
      },
    }),
  }),
  contextOverflow: (): Reply => ({ kind: "events", events: contextOverflowEvents() }),
  status: (
    status: number,
    body: unknown = { error: { message: `fake ${status}` } },
    headers?: Record<string, string>,
  ): Reply => ({
    kind: "status",
    status,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers,
  }),
  cloudflare: (): Reply => ({
    kind: "status",
    status: 403,
    body:
      "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf challenge</body></html>",
    headers: { "content-type": "text/html; charset=UTF-8" },
  }),
};
