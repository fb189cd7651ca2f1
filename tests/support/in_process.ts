/**
 * codexgate in-process: `handler(new Request(...))` against a scripted
 * backend passed as `fetch`, with credentials held in memory. No socket, no
 * auth.json, no subprocess: the tier for translate and mapping, where a bug
 * should fail next to its cause rather than as an SDK error three layers away.
 *
 * @module
 */
import { createHandler, type Handler } from "../../src/app.ts";
import type { CredentialService } from "../../src/auth/credential_service.ts";
import type { Credentials } from "../../src/auth/credentials.ts";
import {
  parseConfigText,
  resolveConfig,
  type ResolvedConfig,
} from "../../src/config/load_config.ts";
import { type FinishedRequest, RequestEvents } from "../../src/http/request_events.ts";
import { createLogger } from "../../src/log.ts";
import { defaultReply, FAKE_MODELS, validateBody } from "./fake_codex.ts";
import { type FakeEvent, toSse } from "./fake_script.ts";

/** The fake backend's base URL (never contacted: `fetch` is replaced). */
export const IN_PROCESS_BASE_URL = "http://127.0.0.1:9/backend-api/codex";

/** Credentials the in-process app sends. */
export const IN_PROCESS_CREDENTIALS: Credentials = {
  accessToken: "in-process-token",
  accountId: "acct-in-process",
  planType: "plus",
  path: "(in memory)",
};

/** One `/responses` call the app made. */
export interface UpstreamCall {
  headers: Headers;
  body: Record<string, unknown>;
}

/** Options of {@link inProcessApp}. */
export interface InProcessOptions {
  /** YAML config text. */
  configYaml?: string;
  /** The events (or a whole answer) for one `/responses` call; default: the fake's echo script. */
  reply?: (body: Record<string, unknown>, index: number) => FakeEvent[] | Response;
  /** Answers a backend request that is neither `/models` nor `/responses` (default: 404). */
  other?: (request: Request) => Response | Promise<Response> | undefined;
}

/** An in-process app and what its backend saw. */
export interface InProcessApp {
  handler: Handler;
  config: ResolvedConfig;
  calls: UpstreamCall[];
  logs: string[];
  /** Every finished request the app published, in order. */
  finished: FinishedRequest[];
  /** POSTs JSON to `path` and returns the answer. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** A memory-held credential service that always answers with {@link IN_PROCESS_CREDENTIALS}. */
export function staticCredentials(credentials = IN_PROCESS_CREDENTIALS): CredentialService {
  return {
    get: () => Promise.resolve(credentials),
    recover: () => Promise.resolve(credentials),
    inspect: (backend) =>
      Promise.resolve({
        ok: true,
        backend,
        path: credentials.path,
        from: "memory",
        authMode: "chatgpt",
        account: credentials.accountId,
        planType: credentials.planType,
      }),
  };
}

/**
 * Builds the app with a scripted backend.
 *
 * @example
 * ```ts
 * const app = inProcessApp();
 * const res = await app.post("/v1/chat/completions", { model: "gpt-5.4", messages });
 * ```
 */
export function inProcessApp(options: InProcessOptions = {}): InProcessApp {
  const config = resolveConfig(parseConfigText(options.configYaml ?? "{}", "test config"), {
    env: { OPENAI_API_BASE_URL: IN_PROCESS_BASE_URL },
    flags: { logLevel: "debug" },
    source: "test config",
  });
  const calls: UpstreamCall[] = [];
  const logs: string[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.pathname.endsWith("/models")) return Response.json({ models: FAKE_MODELS });
    if (!url.pathname.endsWith("/responses")) {
      return await options.other?.(request) ?? new Response("not found", { status: 404 });
    }
    const body = await request.json() as Record<string, unknown>;
    calls.push({ headers: request.headers, body });
    const refused = validateBody(body);
    if (refused) return refused;
    const reply = options.reply?.(body, calls.length - 1) ?? sseEvents(defaultReply(body));
    if (reply instanceof Response) return reply;
    return new Response(toSse(reply), { headers: { "content-type": "text/event-stream" } });
  };
  const finished: FinishedRequest[] = [];
  const events = new RequestEvents();
  events.subscribe((request) => finished.push(request));
  const handler = createHandler({
    config,
    events,
    fetch: fetchFn,
    logger: createLogger("debug", (line) => logs.push(line)),
    state: { credentials: staticCredentials() },
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    handler(
      new Request(`http://codexgate.test${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    );
  return { handler, config, calls, logs, finished, post };
}

function sseEvents(reply: ReturnType<typeof defaultReply>): FakeEvent[] {
  if (reply.kind !== "events") throw new Error("the default reply is always events");
  return reply.events;
}

/** The `data:` payloads of an SSE body, parsed (`[DONE]` kept as the string). */
export function sseData(text: string): (Record<string, unknown> | "[DONE]")[] {
  return text.split("\n\n").flatMap((frame) => {
    const data = frame.split("\n").find((line) => line.startsWith("data: "))?.slice(6);
    if (data === undefined) return [];
    return data === "[DONE]" ? ["[DONE]" as const] : [JSON.parse(data)];
  });
}
