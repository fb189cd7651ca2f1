/**
 * `POST /v1/messages/count_tokens`: an estimate, computed locally (the
 * backend has no counting endpoint and a real count would spend quota):
 *
 * - text (system prompt, messages, tool inputs and results, thinking, the
 *   tool definitions as JSON): one token per 4 characters, rounded up;
 * - each image: 1,600 tokens (the size Anthropic gives for a full-size image);
 * - each PDF: 1,600 tokens per started 50 KB;
 * - each conversation item: 3 tokens of framing.
 *
 * The Codex instructions codexgate adds upstream are not counted: the
 * estimate covers what the client sent.
 *
 * @module
 */
import type { CanonicalRequest, ContentPart, InputItem } from "../../request/request_model.ts";
import { parseAnthropicRequest } from "./parse_request.ts";

/** Characters per estimated token. */
export const CHARS_PER_TOKEN = 4;
/** Tokens counted per image. */
export const IMAGE_TOKENS = 1600;
/** Tokens counted per started 50 KB of PDF. */
export const PDF_TOKENS_PER_50KB = 1600;
/** Tokens of framing per conversation item. */
export const ITEM_OVERHEAD_TOKENS = 3;

/** Parses a count_tokens body (same rules as a Messages body) and estimates it. */
export function countTokens(
  body: Record<string, unknown>,
  headers: Headers,
): { input_tokens: number } {
  return { input_tokens: estimateInputTokens(parseAnthropicRequest(body, headers)) };
}

/** Estimates the input tokens of a parsed request. */
export function estimateInputTokens(request: CanonicalRequest): number {
  let chars = request.system.reduce((n, s) => n + s.length, 0);
  let fixed = 0;
  const parts = (list: ContentPart[]) => {
    for (const part of list) {
      if (part.type === "input_text" || part.type === "output_text") chars += part.text.length;
      else if (part.type === "refusal") chars += part.refusal.length;
      else if (part.type === "input_image") fixed += IMAGE_TOKENS;
      else if (part.type === "input_file") {
        const bytes = Math.floor((part.file_data?.length ?? 0) * 3 / 4);
        fixed += PDF_TOKENS_PER_50KB * Math.max(1, Math.ceil(bytes / 51200));
      }
    }
  };
  for (const item of request.input as InputItem[]) {
    fixed += ITEM_OVERHEAD_TOKENS;
    switch (item.type) {
      case "message":
        parts(item.content as ContentPart[]);
        break;
      case "function_call":
        chars += String(item.name ?? "").length + String(item.arguments ?? "").length;
        break;
      case "function_call_output": {
        const output = item.output as string | ContentPart[];
        if (typeof output === "string") chars += output.length;
        else parts(output);
        break;
      }
      case "reasoning":
        for (const s of (item.summary ?? []) as { text: string }[]) chars += s.text.length;
        break;
    }
  }
  for (const tool of request.tools) chars += JSON.stringify(tool).length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + fixed;
}
