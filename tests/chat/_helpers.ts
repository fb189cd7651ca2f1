/**
 * Shared bits of the Chat Completions tests: the SDK client, the upstream
 * body codexgate sends for a plain request, and a raw SSE reader.
 *
 * @module
 */
import OpenAI from "openai";
import type { ProxyHarness } from "../support/harness.ts";

/** The fake catalog's instructions for gpt-5.4 (prompt_mode codex_default). */
export const GPT54_INSTRUCTIONS =
  "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.";

/** An `openai` client pointed at the proxy. */
export function openaiClient(proxy: ProxyHarness, options: { maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    baseURL: `${proxy.url}/v1`,
    apiKey: "unused",
    maxRetries: options.maxRetries ?? 0,
  });
}

/**
 * The exact upstream body of a default chat request with `fields` replaced;
 * `prompt_cache_key` is taken from the recorded body (it is a hash, checked elsewhere).
 */
export function upstreamBody(
  recorded: Record<string, unknown> | undefined,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return {
    model: "gpt-5.4",
    instructions: GPT54_INSTRUCTIONS,
    input: [],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: true,
    reasoning: { summary: "auto" },
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: recorded?.prompt_cache_key,
    ...fields,
  };
}

/** A user message item as it goes upstream. */
export function userItem(text: string): Record<string, unknown> {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** POSTs a chat body with fetch; returns status and the `data:` payloads (parsed, `[DONE]` kept raw). */
export async function rawChat(
  proxy: ProxyHarness,
  body: Record<string, unknown>,
): Promise<{ status: number; text: string; frames: (Record<string, unknown> | "[DONE]")[] }> {
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const frames = text.split("\n\n").filter((f) => f.startsWith("data: ")).map((f) => {
    const data = f.slice(6);
    return data === "[DONE]" ? "[DONE]" as const : JSON.parse(data) as Record<string, unknown>;
  });
  return { status: res.status, text, frames };
}

/** Resolves when `promise` does, or rejects after `ms` (a bounded wait for tests). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
