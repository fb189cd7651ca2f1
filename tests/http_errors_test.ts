import { assertEquals, assertStringIncludes } from "./support/assert.ts";
import { startProxy } from "./support/harness.ts";

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

Deno.test("http: malformed JSON → 400 invalid_json in OpenAI's shape", async () => {
  await using proxy = await startProxy();
  const { status, json, headers } = await post(`${proxy.url}/v1/chat/completions`, "{not json");
  assertEquals(status, 400);
  assertEquals(json.error.code, "invalid_json");
  assertEquals(json.error.type, "invalid_request_error");
  assertStringIncludes(json.error.message, "not valid JSON");
  assertEquals(json.error.request_id, headers.get("x-request-id"));
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("http: wrong content type → 415", async () => {
  await using proxy = await startProxy();
  const { status, json } = await post(`${proxy.url}/v1/chat/completions`, "model=x", {
    "content-type": "application/x-www-form-urlencoded",
  });
  assertEquals(status, 415);
  assertEquals(json.error.code, "unsupported_media_type");
  assertStringIncludes(json.error.message, "application/json");
});

Deno.test("http: unknown route → 404, wrong method → 405 with Allow", async () => {
  await using proxy = await startProxy();
  const missing = await fetch(`${proxy.url}/v1/nope`);
  assertEquals(missing.status, 404);
  assertEquals((await missing.json()).error.code, "not_found");
  const wrong = await fetch(`${proxy.url}/v1/chat/completions`);
  assertEquals(wrong.status, 405);
  assertEquals(wrong.headers.get("allow"), "POST");
  assertEquals((await wrong.json()).error.code, "method_not_allowed");
});

Deno.test("http: unknown backend prefix → 404 model_not_found naming the backends", async () => {
  await using proxy = await startProxy();
  const { status, json } = await post(
    `${proxy.url}/v1/chat/completions`,
    JSON.stringify({ model: "nosuch:gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
  );
  assertEquals(status, 404);
  assertEquals(json.error.code, "model_not_found");
  assertStringIncludes(json.error.message, "openai_codex");
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("http: backend prefixes route to the named backend", async () => {
  await using proxy = await startProxy({
    configYaml: "backends:\n  main: { type: openai-codex }\n  second: { type: openai-codex }\n",
  });
  for (const model of ["openai-codex:gpt-5.4", "second:gpt-5.4-mini", "gpt-5.4"]) {
    const { status } = await post(
      `${proxy.url}/v1/chat/completions`,
      JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    );
    assertEquals(status, 200);
  }
  assertEquals(proxy.fake.calls.map((c) => c.body!.model), ["gpt-5.4", "gpt-5.4-mini", "gpt-5.4"]);
});

Deno.test("http: missing messages → 400 naming the parameter", async () => {
  await using proxy = await startProxy();
  const { status, json } = await post(
    `${proxy.url}/v1/chat/completions`,
    JSON.stringify({ model: "gpt-5.4" }),
  );
  assertEquals(status, 400);
  assertEquals(json.error.param, "messages");
});

Deno.test("http: GET /health answers with version and uptime", async () => {
  await using proxy = await startProxy();
  const res = await fetch(`${proxy.url}/health`);
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.status, "ok");
  assertEquals(typeof body.version, "string");
  assertEquals(typeof body.uptime_seconds, "number");
  assertEquals(body.backends.openai_codex.default_capabilities.prompt_mode, "codex_default");
});

Deno.test("http: no auth.json → 401 naming every path tried and `codexgate login`", async () => {
  await using proxy = await startProxy({ noAuthFile: true });
  const { status, json } = await post(
    `${proxy.url}/v1/chat/completions`,
    JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
  );
  assertEquals(status, 401);
  assertStringIncludes(json.error.message, `${proxy.codexHome}/auth.json (CODEX_HOME)`);
  assertStringIncludes(json.error.message, "Run `codexgate login` (or `codex login`) to sign in.");
});

Deno.test("http: API paths also answer without the /v1 prefix and with a trailing slash", async () => {
  await using proxy = await startProxy();
  const { status, json } = await post(
    `${proxy.url}/chat/completions/`,
    JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
  );
  assertEquals(status, 200);
  assertEquals(json.choices[0].message.content, "Echo: hi");
  const models = await fetch(`${proxy.url}/models`);
  assertEquals(models.status, 200);
  assertEquals((await models.json()).object, "list");
  assertEquals(proxy.fake.calls.length, 1);
});
