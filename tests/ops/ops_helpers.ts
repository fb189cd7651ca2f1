/**
 * Small helpers shared by the ops tests.
 *
 * @module
 */
import { join } from "node:path";
import type { FakeCodex } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { subprocessEnv } from "../support/run_main.ts";
import { authJson, makeTokenSet, type TokenSet } from "../support/tokens.ts";

/** Posts a chat completion and returns status, headers and the parsed or raw body. */
export async function postChat(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown>; text: string }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], ...body }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch { /* a stream */ }
  return { status: res.status, headers: res.headers, json, text };
}

/** The `error` object of an OpenAI-shaped error body. */
export function errorOf(json: Record<string, unknown>): {
  message: string;
  code: string | null;
  type: string;
  request_id: string;
} {
  return json.error as { message: string; code: string | null; type: string; request_id: string };
}

/** Resolves true when `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `check` is true, polling every 20 ms for up to `ms`. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) throw new Error("waitFor: condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A throwaway HOME signed in to `fake`, and the env a main.ts process needs to use both. */
export interface SignedInHome extends AsyncDisposable {
  home: string;
  env: Record<string, string>;
  tokens: TokenSet;
}

/** Creates a HOME with a valid auth.json that `fake` accepts (removed on dispose). */
export async function signedInHome(
  fake: FakeCodex,
  extraEnv: Record<string, string> = {},
): Promise<SignedInHome> {
  const home = await Deno.makeTempDir({ prefix: "codexgate-ops-" });
  const tokens = makeTokenSet();
  fake.accept(tokens);
  await Deno.writeTextFile(join(home, "auth.json"), authJson(tokens), { mode: 0o600 });
  const env = subprocessEnv(home, {
    OPENAI_API_BASE_URL: fake.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    ...extraEnv,
  });
  return {
    home,
    env,
    tokens,
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

/**
 * Starts a streamed chat completion whose answer is `count` words, one every
 * `delayMs` from the fake; returns the open response and the words to expect.
 */
export async function startCountingStream(
  url: string,
  fake: FakeCodex,
  options: { count: number; delayMs: number },
): Promise<{ response: Response; words: string[] }> {
  const words = Array.from({ length: options.count }, (_, i) => `w${i} `);
  fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text(words).completed(),
    delayMs: options.delayMs,
  });
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-5.4",
      stream: true,
      messages: [{ role: "user", content: "count" }],
    }),
  });
  return { response, words };
}

/** The text content of a Chat Completions SSE stream's deltas. */
export function chatStreamContent(sse: string): string {
  return sse.split("\n\n").filter((f) => f.startsWith("data: {"))
    .map((f) => JSON.parse(f.slice(6)).choices?.[0]?.delta?.content ?? "").join("");
}
