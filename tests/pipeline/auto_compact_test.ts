/**
 * `forwardCompacting` alone, with a scripted `send`: what goes up, in which
 * order, and the compaction cache's bounds.
 */
import { assertEquals } from "../support/assert.ts";
import { ENTHUSIAST_MODE } from "../../src/capabilities/schema.ts";
import { createLogger } from "../../src/log.ts";
import { forwardCompacting } from "../../src/pipeline/auto_compact.ts";
import type { UpstreamAnswer } from "../../src/pipeline/forward.ts";
import type { InputItem } from "../../src/request/request_model.ts";
import { MemoryCompactionCache } from "../../src/state/memory_compaction_cache.ts";
import type { UpstreamRequest } from "../../src/upstream/upstream_request.ts";
import { ScriptBuilder, toSse } from "../support/fake_script.ts";

const user = (text: string): InputItem => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});
const assistant = (text: string): InputItem => ({
  type: "message",
  role: "assistant",
  content: [{ type: "output_text", text }],
});

function request(input: InputItem[]): UpstreamRequest {
  return {
    body: {
      model: "gpt-5.4",
      instructions: "x",
      input,
      tools: [],
      tool_choice: "auto",
      parallel_tool_calls: true,
      store: false,
      stream: true,
      include: [],
    },
    conversationId: "c",
    requestId: "r",
  };
}

function answerOf(builder: ScriptBuilder): UpstreamAnswer {
  const text = builder.completed().map((e) => toSse([e])).join("");
  return {
    response: new Response(text, { headers: { "content-type": "text/event-stream" } }),
    credentials: { accessToken: "t", accountId: "a", path: "/p" },
    quotaHeaders: {},
  };
}

/** A `send` that records each input and answers a trigger with a compaction. */
function scriptedSend(sent: InputItem[][]) {
  return (r: UpstreamRequest) => {
    sent.push(r.body.input);
    const triggered = r.body.input.at(-1)?.type === "compaction_trigger";
    return Promise.resolve(answerOf(
      triggered
        ? new ScriptBuilder().item({ type: "compaction", id: "c1", encrypted_content: "enc" })
        : new ScriptBuilder().text("ok"),
    ));
  };
}

const long = "word ".repeat(200);
const conversation = [user(long), assistant(long), user(long), assistant(long), user("now")];

Deno.test("forwardCompacting: without auto_compact it is forward, whatever the size", async () => {
  const sent: InputItem[][] = [];
  const original = request(conversation);
  const result = await forwardCompacting(original, {
    capabilities: ENTHUSIAST_MODE,
    entry: { slug: "gpt-5.4", auto_compact_token_limit: 10 },
    send: scriptedSend(sent),
    cache: new MemoryCompactionCache(),
    accountId: "a",
    idleMs: 10_000,
    logger: createLogger("error"),
  });
  assertEquals(result.request, original);
  assertEquals(result.compaction, undefined);
  assertEquals(sent.length, 1);
});

Deno.test("forwardCompacting: over the limit, the older items go up with a trigger; the compaction replaces them (id dropped)", async () => {
  const sent: InputItem[][] = [];
  const result = await forwardCompacting(request(conversation), {
    capabilities: { ...ENTHUSIAST_MODE, auto_compact: true },
    entry: { slug: "gpt-5.4", auto_compact_token_limit: 300 },
    send: scriptedSend(sent),
    cache: new MemoryCompactionCache(),
    accountId: "a",
    idleMs: 10_000,
    logger: createLogger("error"),
  });
  assertEquals(sent[0], [...conversation.slice(0, 4), { type: "compaction_trigger" }]);
  assertEquals(sent[1], [{ type: "compaction", encrypted_content: "enc" }, user("now")]);
  assertEquals(result.compaction, { kind: "created", replacedItems: 4 });
});

Deno.test("MemoryCompactionCache: bounded (oldest first) and expiring", async () => {
  let now = 0;
  const cache = new MemoryCompactionCache({ maxEntries: 2, ttlSeconds: 10, now: () => now });
  await cache.set("a", [user("a")]);
  await cache.set("b", [user("b")]);
  await cache.set("c", [user("c")]);
  assertEquals(await cache.get("a"), undefined);
  assertEquals(await cache.get("b"), [user("b")]);
  now = 11_000;
  assertEquals(await cache.get("c"), undefined);
});
