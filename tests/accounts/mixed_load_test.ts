/**
 * The closing figure of the account pool (docs/accounts.md): two accounts,
 * one reaching its usage limit part-way, 100 requests from three client
 * wires through their real SDKs (retries off, so every 429 would be seen):
 * no client sees a 429, and every conversation stays on one account except
 * the moves the limit forced. Counts are printed for the report; nothing
 * about time is asserted.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { replies } from "../support/fake_codex.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { startPool } from "./pool_harness.ts";

const A = "acct-aaaa-0001";
const B = "acct-bbbb-0002";
const CONVERSATIONS = 20;
const TURNS = 5;
const DIALECTS = ["chat", "responses", "anthropic"] as const;

Deno.test("two accounts, one at its limit, 100 mixed requests: 0 client-visible 429s, conversations kept on one account except forced moves", async () => {
  await using pool = await startPool([{ name: "a", accountId: A }, { name: "b", accountId: B }]);
  const { proxy } = pool;
  const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 });

  const sessionOf = (c: number) => `sess-${c.toString().padStart(4, "0")}-${"0".repeat(8)}`;
  const ask = async (c: number, turn: number): Promise<number> => {
    const dialect = DIALECTS[c % 3];
    const text = `conversation ${c} turn ${turn}`;
    const headers = { "session-id": sessionOf(c), "x-claude-code-session-id": sessionOf(c) };
    try {
      if (dialect === "chat") {
        await openai.chat.completions.create({
          model: "gpt-5.4",
          messages: [{ role: "user", content: text }],
        }, { headers });
      } else if (dialect === "responses") {
        await openai.responses.create({
          model: "gpt-5.4",
          input: text,
          prompt_cache_key: sessionOf(c),
        });
      } else {
        await anthropic.messages.create({
          model: "gpt-5.4",
          max_tokens: 256,
          messages: [{ role: "user", content: text }],
        }, { headers });
      }
      return 200;
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (typeof status === "number") return status;
      throw err;
    }
  };

  const statuses: number[] = [];
  // Conversation → the account of each answered turn, in order.
  const served = new Map<number, string[]>();
  let limitAt = -1;
  for (let turn = 0; turn < TURNS; turn++) {
    if (turn === 2) {
      // Account a reaches its 5-hour limit part-way through the run.
      proxy.fake.limitAccount(A, replies.usageLimit(5 * 3600));
      limitAt = proxy.fake.calls.length;
    }
    // Four clients at a time.
    for (let c = 0; c < CONVERSATIONS; c += 4) {
      const batch = [c, c + 1, c + 2, c + 3];
      const before = proxy.fake.calls.length;
      const results = await Promise.all(batch.map((n) => ask(n, turn)));
      statuses.push(...results);
      for (const call of proxy.fake.calls.slice(before)) {
        if (
          call.headers["chatgpt-account-id"] === A && proxy.fake.calls.indexOf(call) >= limitAt &&
          limitAt >= 0
        ) continue;
        const key = String(call.body?.prompt_cache_key ?? "");
        const n = Number(/sess-(\d+)/.exec(key)?.[1]);
        if (!Number.isFinite(n)) continue;
        served.set(n, [...(served.get(n) ?? []), call.headers["chatgpt-account-id"]]);
      }
    }
  }

  const client429 = statuses.filter((s) => s === 429).length;
  const errors = statuses.filter((s) => s !== 200).length;
  let keptOnOne = 0;
  let forcedMoves = 0;
  let otherMoves = 0;
  for (const accounts of served.values()) {
    const switches = accounts.filter((a, i) => i > 0 && a !== accounts[i - 1]).length;
    if (switches === 0) keptOnOne++;
    // The only allowed move: from the limited account a to b, once.
    else if (switches === 1 && accounts[0] === A && accounts.at(-1) === B) forcedMoves++;
    else otherMoves++;
  }
  const upstream429 =
    proxy.fake.calls.filter((c, i) => i >= limitAt && c.headers["chatgpt-account-id"] === A).length;
  console.log(
    `accounts figure: ${statuses.length} requests (${
      DIALECTS.join("/")
    }), ${client429} client-visible 429s, ` +
      `${upstream429} upstream 429s absorbed, ${served.size} conversations: ${keptOnOne} kept on one account, ` +
      `${forcedMoves} forced moves, ${otherMoves} other moves`,
  );
  assertEquals(statuses.length, CONVERSATIONS * TURNS);
  assertEquals(client429, 0);
  assertEquals(errors, 0);
  assertEquals(otherMoves, 0);
  assertEquals(keptOnOne + forcedMoves, CONVERSATIONS);
  assert(forcedMoves > 0, "some conversations lived on the limited account and had to move");
  assert(upstream429 >= 1, "the limit was met upstream");
});
