import { assertEquals, assertRejects } from "../support/assert.ts";
import type { CanonicalRequest, InputItem } from "../../src/request/request_model.ts";
import { MemoryResponseStore } from "../../src/state/memory_response_store.ts";
import type { StoredResponse } from "../../src/state/response_store.ts";
import { expandPreviousResponse } from "../../src/dialects/responses/response_memory.ts";
import { ProxyError } from "../../src/errors.ts";

function entry(id: string, items: InputItem[] = []): StoredResponse {
  return { id, input: [], output: items, response: { id } };
}

Deno.test("MemoryResponseStore forgets entries older than ttl_seconds", async () => {
  let now = 1_000_000;
  const store = new MemoryResponseStore({ maxEntries: 10, ttlSeconds: 60, now: () => now });
  await store.save(entry("resp_a"));
  now += 30_000;
  await store.save(entry("resp_b"));
  now += 30_001; // resp_a is now 60.001 s old
  assertEquals(await store.get("resp_a"), undefined);
  assertEquals((await store.get("resp_b"))?.id, "resp_b");
  assertEquals(store.size, 1);
});

Deno.test("MemoryResponseStore keeps at most max_entries, dropping the oldest; a re-save is newest", async () => {
  const store = new MemoryResponseStore({ maxEntries: 2, ttlSeconds: 3600 });
  await store.save(entry("resp_a"));
  await store.save(entry("resp_b"));
  await store.save(entry("resp_a"));
  await store.save(entry("resp_c"));
  assertEquals(await store.get("resp_b"), undefined);
  assertEquals((await store.get("resp_a"))?.id, "resp_a");
  assertEquals((await store.get("resp_c"))?.id, "resp_c");
});

Deno.test("MemoryResponseStore.findItem finds the newest stored item with that id, not expired ones", async () => {
  let now = 0;
  const store = new MemoryResponseStore({ maxEntries: 10, ttlSeconds: 10, now: () => now });
  const old: InputItem = { type: "message", id: "msg_1", role: "assistant", content: [] };
  await store.save(entry("resp_a", [old]));
  assertEquals(await store.findItem("msg_1"), old);
  assertEquals(await store.findItem("msg_2"), undefined);
  now = 20_000;
  assertEquals(await store.findItem("msg_1"), undefined);
});

Deno.test("expandPreviousResponse() puts the stored conversation before the new input", async () => {
  let now = 0;
  const store = new MemoryResponseStore({ maxEntries: 10, ttlSeconds: 10, now: () => now });
  const user = (text: string): InputItem => ({
    type: "message",
    role: "user",
    content: [{ type: "input_text", text }],
  });
  const answer: InputItem = { type: "message", role: "assistant", content: [] };
  await store.save({ id: "resp_1", input: [user("a")], output: [answer], response: {} });
  const request: CanonicalRequest = {
    dialect: "responses",
    model: "gpt-5.4",
    system: [],
    input: [user("b")],
    tools: [],
    stream: false,
    dropped: [],
    previous_response_id: "resp_1",
  };
  await expandPreviousResponse(request, store);
  assertEquals(request.input, [user("a"), answer, user("b")]);

  now = 11_000; // expired
  const error = await assertRejects(() => expandPreviousResponse({ ...request }, store));
  assertEquals(error instanceof ProxyError && error.status, 404);
  assertEquals((error as ProxyError).code, "previous_response_not_found");
});
