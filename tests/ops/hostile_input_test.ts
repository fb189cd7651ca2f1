/**
 * Client input that used to end in 500: JSON nested thousands of levels deep
 * and broken percent-encoding in a path. Each must be a 4xx in the shape of
 * the API the path belongs to, naming the limit, and the proxy serves on.
 */
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { postChat } from "./ops_helpers.ts";

/** `{"a":{"a":…{}…}}` nested `levels` deep, as text (never built as a JS value). */
function deepObject(levels: number): string {
  return '{"a":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
}

const DEEP = deepObject(20_000);
const USER = [{ role: "user", content: "hi" }];

/** Where the issue found a stack overflow, one request each. */
const PLACES: { name: string; path: string; body: string; anthropic?: boolean }[] = [
  {
    name: "chat tool parameters",
    path: "/v1/chat/completions",
    body: `{"model":"gpt-5.4","messages":${JSON.stringify(USER)},"tools":[{"type":"function",` +
      `"function":{"name":"f","parameters":${DEEP}}}]}`,
  },
  {
    name: "chat response_format",
    path: "/v1/chat/completions",
    body: `{"model":"gpt-5.4","messages":${JSON.stringify(USER)},"response_format":` +
      `{"type":"json_schema","json_schema":{"name":"x","schema":${DEEP}}}}`,
  },
  {
    name: "a Responses input item",
    path: "/v1/responses",
    body: `{"model":"gpt-5.4","input":[{"type":"message","role":"user","content":` +
      `[{"type":"input_text","text":"hi"}],"x":${DEEP}}]}`,
  },
  {
    name: "passthrough tools",
    path: "/v1/responses",
    body: `{"model":"gpt-5.4","codex_capabilities":{"codex_passthrough":true},"input":"hi",` +
      `"tools":[{"type":"function","name":"f","parameters":${DEEP}}]}`,
  },
  {
    name: "an Anthropic input_schema",
    path: "/v1/messages",
    anthropic: true,
    body: `{"model":"claude-sonnet-5","max_tokens":10,"messages":${JSON.stringify(USER)},` +
      `"tools":[{"name":"f","input_schema":${DEEP}}]}`,
  },
];

Deno.test("hostile input: JSON 20,000 levels deep → 400 json_too_deep naming the limit, no 500", async () => {
  await using proxy = await startProxy();
  for (const place of PLACES) {
    const res = await fetch(`${proxy.url}${place.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: place.body,
    });
    const json = await res.json();
    assertEquals(res.status, 400, place.name);
    if (place.anthropic) {
      assertEquals(json.type, "error", place.name);
      assertEquals(json.error.type, "invalid_request_error", place.name);
    } else {
      assertEquals(json.error.code, "json_too_deep", place.name);
    }
    assertStringIncludes(json.error.message, "server.max_json_depth", place.name);
    assertStringIncludes(json.error.message, "128", place.name);
  }
  assertEquals(proxy.fake.calls.length, 0);
  assertEquals(proxy.logs.filter((l) => JSON.parse(l).level === "error"), []);
  assertEquals((await postChat(proxy.url, { model: "gpt-5.4" })).status, 200);
});

Deno.test("hostile input: nesting up to server.max_json_depth goes through; the limit is configurable", async () => {
  await using proxy = await startProxy({ configYaml: "server:\n  max_json_depth: 1000\n" });
  // The body is level 1, so tools[0].function.parameters is level 5: 996 levels of it reach 1000.
  const body =
    `{"model":"gpt-5.4","messages":${JSON.stringify(USER)},"tools":[{"type":"function",` +
    `"function":{"name":"f","parameters":${deepObject(996)}}}]}`;
  const ok = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  assertEquals(ok.status, 200);
  await ok.body?.cancel();
  const deeper = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body.replace(deepObject(996), deepObject(997)),
  });
  assertEquals(deeper.status, 400);
  assertStringIncludes((await deeper.json()).error.message, "1000 levels");
});

Deno.test("hostile input: broken percent-encoding in a path → 400 invalid_path, no 500", async () => {
  await using proxy = await startProxy();
  for (
    const path of [
      "/v1/models/%E0%A4%A",
      "/v1/responses/%E0%A4%A",
      "/v1/responses/%E0%A4%A/input_items",
      "/models/%FF",
    ]
  ) {
    const res = await fetch(`${proxy.url}${path}`);
    const json = await res.json();
    assertEquals(res.status, 400, path);
    assertEquals(json.error.code, "invalid_path", path);
    assertStringIncludes(json.error.message, "percent-encoding", path);
  }
  assertEquals(proxy.logs.filter((l) => JSON.parse(l).level === "error"), []);
});
