/**
 * The request log line of a failed request says why: its error code always,
 * the message at debug level only, never a token.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { createHandler } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { type ProxyHarness, startProxy } from "../support/harness.ts";
import { linesWithSecrets, rememberSecrets } from "../support/secret_check.ts";
import { postChat } from "./ops_helpers.ts";

type Line = Record<string, unknown>;

function requestLine(logs: string[], id: string | null): Line {
  const line = logs.map((l) => JSON.parse(l)).find((l) => l.msg === "request" && l.id === id);
  assert(line, `a request line for ${id}`);
  return line;
}

function openai(proxy: ProxyHarness): OpenAI {
  return new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
}

Deno.test("request log: 4xx and 5xx lines carry the error code and, at debug, the message", async () => {
  await using proxy = await startProxy();
  rememberSecrets(proxy.tokens);
  const rows: { status: number; code: string; message: string; id: string | null }[] = [];

  const effort = await openai(proxy).chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "hi" }],
    reasoning_effort: "extreme" as OpenAI.ReasoningEffort,
  }).then(() => undefined, (e) => e);
  assert(effort instanceof OpenAI.BadRequestError);
  rows.push({
    status: 400,
    code: "unsupported_reasoning_effort",
    message: "Reasoning effort",
    id: effort.requestID ?? null,
  });

  const missing = await postChat(proxy.url, { model: "gpt-0" });
  rows.push({
    status: 404,
    code: "model_not_found",
    message: "Available models",
    id: missing.headers.get("x-request-id"),
  });

  proxy.fake.enqueue(replies.usageLimit());
  const limited = await postChat(proxy.url, { model: "gpt-5.4" });
  rows.push({
    status: 429,
    code: "usage_limit_reached",
    message: "usage limit",
    id: limited.headers.get("x-request-id"),
  });

  proxy.fake.enqueue(replies.cloudflare());
  const html = await postChat(proxy.url, { model: "gpt-5.4" });
  rows.push({
    status: 502,
    code: "upstream_html_response",
    message: "with an HTML page",
    id: html.headers.get("x-request-id"),
  });

  const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 });
  const bad = await anthropic.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 10,
    messages: [{ role: "user", content: [{ type: "bogus" }] }],
  } as unknown as Anthropic.MessageCreateParamsNonStreaming).then(() => undefined, (e) => e);
  assert(bad instanceof Anthropic.BadRequestError);
  rows.push({
    status: 400,
    code: "unsupported_content",
    message: "not supported in a user message",
    id: bad.headers?.get("x-request-id") ?? null,
  });

  for (const row of rows) {
    const line = requestLine(proxy.logs, row.id);
    assertEquals([line.level, line.status, line.error_code], ["info", row.status, row.code]);
    assertStringIncludes(String(line.error_message), row.message);
  }
  assertEquals(linesWithSecrets(proxy.logs), []);
});

Deno.test("request log: a stream cut after its start → 200 with the stream's error code", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("a b c", { chunks: 3 }).completed(),
    cutAfter: 5,
  });
  const res = await postChat(proxy.url, { model: "gpt-5.4", stream: true });
  assertStringIncludes(res.text, "upstream_stream_cut");
  const line = requestLine(proxy.logs, res.headers.get("x-request-id"));
  assertEquals(
    [line.status, line.error_code, line.stream_error],
    [200, "upstream_stream_cut", "upstream_stream_cut"],
  );
});

Deno.test("request log: at info level the code is there, the message is not", async () => {
  await using proxy = await startProxy();
  const lines: string[] = [];
  const handler = createHandler({
    config: proxy.config,
    env: proxy.env,
    logger: createLogger("info", (line) => lines.push(line)),
  });
  const res = await handler(
    new Request("http://127.0.0.1/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", input: "hi", reasoning: { effort: "extreme" } }),
    }),
  );
  assertEquals(res.status, 400);
  await res.body?.cancel();
  const line = requestLine(lines, res.headers.get("x-request-id"));
  assertEquals([line.status, line.error_code], [400, "unsupported_reasoning_effort"]);
  assertEquals(line.error_message, undefined);
  // A good request has no error fields at all.
  const ok = await handler(
    new Request("http://127.0.0.1/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", input: "hi" }),
    }),
  );
  assertEquals(ok.status, 200);
  await ok.text();
  const good = requestLine(lines, ok.headers.get("x-request-id"));
  assertEquals([good.error_code, good.error_message], [undefined, undefined]);
});
