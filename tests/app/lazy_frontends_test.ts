/**
 * The router knows each client wire by its path and error shape before the
 * wire's modules load (src/dialects/frontends.ts): those must be the loaded
 * frontend's own, and a wire loads once however many requests race for it.
 */
import { createFrontends, frontendFor } from "../../src/dialects/frontends.ts";
import { MemoryResponseStore } from "../../src/state/memory_response_store.ts";
import { assert, assertEquals } from "../support/assert.ts";

const state = () => ({
  responses: new MemoryResponseStore({ maxEntries: 10, ttlSeconds: 60, now: Date.now }),
});

Deno.test("frontends: each wire's path and error shape are those of the frontend it loads", async () => {
  const routes = createFrontends(state());
  assertEquals(routes.length, 3);
  for (const route of routes) {
    const frontend = await route.load();
    assertEquals(route.path, frontend.path);
    assertEquals(route.errorBody, frontend.errorBody, route.path);
  }
});

Deno.test("frontends: a wire loads once; paths below a wire belong to it", async () => {
  const routes = createFrontends(state());
  const responses = frontendFor(routes, "/v1/responses/resp_1/input_items");
  assertEquals(responses?.path, "/v1/responses");
  const [a, b] = await Promise.all([responses!.load(), responses!.load()]);
  assert(a === b);
  assertEquals(frontendFor(routes, "/v1/messages/count_tokens")?.path, "/v1/messages");
  assertEquals(frontendFor(routes, "/v1/models"), undefined);
});
