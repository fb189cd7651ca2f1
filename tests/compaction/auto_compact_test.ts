/**
 * The `auto_compact` capability (docs/websocket-and-compaction.md#auto-compact)
 * on a real socket in front of the fake, which compacts and refuses inputs
 * over its limit: a Chat Completions or Anthropic conversation too long for
 * the model gets its older part compacted, the answer says so, and the next
 * turn reuses that compaction instead of compacting again.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { FAKE_COMPACTION_PREFIX, FAKE_MODELS } from "../support/fake_codex.ts";
import { startProxy } from "../support/harness.ts";

type Item = Record<string, unknown>;

/** Long enough that a few of them pass the limits below. */
const filler = (n: number) => `message ${n}: ${"lorem ipsum dolor sit amet ".repeat(12)}`;

/** A chat history of `turns` long exchanges, then `last`. */
function chatMessages(turns: number, last: string): Item[] {
  const messages: Item[] = [{ role: "system", content: "You are terse." }];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: "user", content: filler(2 * i) });
    messages.push({ role: "assistant", content: filler(2 * i + 1) });
  }
  messages.push({ role: "user", content: last });
  return messages;
}

/** The fake catalog with gpt-5.4 limited to `limit` tokens before compaction. */
const modelsWithLimit = (limit: number | undefined) =>
  FAKE_MODELS.map((m) =>
    m.slug === "gpt-5.4" && limit !== undefined ? { ...m, auto_compact_token_limit: limit } : m
  );

async function chat(url: string, messages: Item[], autoCompact?: boolean): Promise<Response> {
  return await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-5.4",
      messages,
      ...(autoCompact === undefined ? {} : { codex_capabilities: { auto_compact: autoCompact } }),
    }),
  });
}

const isTriggered = (body: Item | undefined) =>
  (body?.input as Item[]).at(-1)?.type === "compaction_trigger";

Deno.test("auto_compact: a chat conversation over the catalog's limit is compacted, the answer says so; the next turn reuses the compaction", async () => {
  await using proxy = await startProxy({
    fake: { models: modelsWithLimit(600), contextLimitTokens: 800 },
  });
  const first = chatMessages(6, "what now?");
  const answer = await chat(proxy.url, first, true);
  assertEquals(answer.status, 200);
  assertEquals((await answer.json()).choices[0].message.content, "Echo: what now?");
  assertEquals(answer.headers.get("x-codexgate-compaction"), "created; replaced_items=12");

  // One compaction request (the older part + the trigger), then the real one.
  assertEquals(proxy.fake.calls.length, 2);
  const [compacting, sent] = proxy.fake.calls.map((c) => c.body!);
  assert(isTriggered(compacting));
  const compactedInput = compacting.input as Item[];
  assertEquals(compactedInput.filter((i) => i.role === "user").length, 6);
  const input = sent.input as Item[];
  const compaction = input.find((i) => i.type === "compaction")!;
  assert(String(compaction.encrypted_content).startsWith(FAKE_COMPACTION_PREFIX));
  // What stays: the system prompt (as a developer message), the compaction, this turn.
  assertEquals(input.map((i) => i.role ?? i.type), ["developer", "compaction", "user"]);
  assert(proxy.logs.some((l) => l.includes("auto-compact: compacted the older conversation")));

  // Next turn: the same conversation, one exchange longer. No new compaction.
  const second = [...first, { role: "assistant", content: "Echo: what now?" }, {
    role: "user",
    content: "and then?",
  }];
  const again = await chat(proxy.url, second, true);
  assertEquals(again.status, 200);
  assertEquals(again.headers.get("x-codexgate-compaction"), "reused; replaced_items=12");
  assertEquals((await again.json()).choices[0].message.content, "Echo: and then?");
  assertEquals(proxy.fake.calls.length, 3);
  const reusedInput = proxy.fake.calls[2].body!.input as Item[];
  assertEquals(reusedInput.find((i) => i.type === "compaction"), compaction);
  assertEquals(reusedInput.map((i) => i.role ?? i.type), [
    "developer",
    "compaction",
    "user",
    "assistant",
    "user",
  ]);
});

Deno.test("auto_compact: off by default; the backend's context_length_exceeded reaches the client", async () => {
  await using proxy = await startProxy({
    fake: { models: modelsWithLimit(600), contextLimitTokens: 800 },
  });
  const answer = await chat(proxy.url, chatMessages(6, "what now?"));
  assertEquals(answer.status, 400);
  assertEquals((await answer.json()).error.code, "context_length_exceeded");
  assertEquals(proxy.fake.calls.length, 1);
  assert(!isTriggered(proxy.fake.calls[0].body));
});

Deno.test("auto_compact: a conversation the estimate let through but the backend refused is compacted and sent again", async () => {
  // No auto_compact_token_limit and a large context window: only the backend knows.
  await using proxy = await startProxy({
    fake: { models: modelsWithLimit(undefined), contextLimitTokens: 800 },
  });
  const answer = await chat(proxy.url, chatMessages(6, "still there?"), true);
  assertEquals(answer.status, 200);
  assertEquals(answer.headers.get("x-codexgate-compaction"), "created; replaced_items=12");
  assertEquals((await answer.json()).choices[0].message.content, "Echo: still there?");
  // Refused, compacted, sent again.
  assertEquals(proxy.fake.calls.map((c) => isTriggered(c.body)), [false, true, false]);
});

Deno.test("auto_compact: an Anthropic Messages conversation, with the capability on for the backend, streamed", async () => {
  await using proxy = await startProxy({
    configYaml: `
backends:
  openai_codex:
    type: openai-codex
    extra:
      codex:
        default_capabilities:
          auto_compact: true
`,
    fake: { models: modelsWithLimit(600), contextLimitTokens: 800 },
  });
  const messages = chatMessages(6, "summarise").slice(1);
  const answer = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      stream: true,
      system: "You are terse.",
      messages,
    }),
  });
  assertEquals(answer.status, 200);
  assertMatch(String(answer.headers.get("x-codexgate-compaction")), /^created; replaced_items=12$/);
  const deltas = (await answer.text()).split("\n").filter((l) => l.startsWith("data: "))
    .map((l) => JSON.parse(l.slice(6)) as { delta?: { type?: string; text?: string } })
    .filter((e) => e.delta?.type === "text_delta").map((e) => e.delta!.text).join("");
  assertEquals(deltas, "Echo: summarise");
  assertEquals(proxy.fake.calls.map((c) => isTriggered(c.body)), [true, false]);
});
