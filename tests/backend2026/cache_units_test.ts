/**
 * The pieces of cache care alone: the stable tool order and the turn-state
 * store's bounds.
 */
import { assertEquals } from "../support/assert.ts";
import { stableTool } from "../../src/translate/stable_tool_schema.ts";
import { MemoryTurnStateStore } from "../../src/state/memory_turn_state_store.ts";

Deno.test("stableTool(): same bytes whatever the key order; property names keep the client's order", () => {
  const a = stableTool({
    type: "namespace",
    name: "fs",
    tools: [{
      parameters: { properties: { z: { type: "string" }, a: { type: "number" } }, type: "object" },
      name: "read",
      type: "function",
    }],
  });
  const b = stableTool({
    tools: [{
      type: "function",
      name: "read",
      parameters: { type: "object", properties: { z: { type: "string" }, a: { type: "number" } } },
    }],
    name: "fs",
    type: "namespace",
  });
  assertEquals(JSON.stringify(a), JSON.stringify(b));
  const copy: Record<string, unknown> = { ...a };
  const inner = (copy.tools as { parameters: { properties: object } }[])[0];
  assertEquals(Object.keys(inner), ["type", "name", "parameters"]);
  assertEquals(Object.keys(inner.parameters.properties), ["z", "a"]);
});

Deno.test("MemoryTurnStateStore: latest value per conversation, bounded, expiring", async () => {
  let now = 0;
  const store = new MemoryTurnStateStore({ maxEntries: 2, ttlSeconds: 10, now: () => now });
  await store.set("c1", "a");
  await store.set("c1", "b");
  await store.set("c2", "x");
  assertEquals(await store.get("c1"), "b");
  await store.set("c3", "y");
  // c1 was written least recently: it went first.
  assertEquals([await store.get("c1"), await store.get("c2"), store.size], [undefined, "x", 2]);
  now = 11_000;
  assertEquals(await store.get("c2"), undefined);
});
