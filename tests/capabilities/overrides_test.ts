/**
 * Per-request capability and environment overrides: the three places, their
 * precedence over each other and over the backend's defaults, and the 400s.
 */
import OpenAI from "openai";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";

const BASE = "FAKE BASE INSTRUCTIONS for gpt-5.4: you are a helpful coding agent.";
const MESSAGES = [
  { role: "system", content: "Be terse." },
  { role: "user", content: "hi" },
];

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

Deno.test("overrides: each of the three places works on its own", async () => {
  await using proxy = await startProxy();
  const body = { model: "gpt-5.4", messages: MESSAGES };
  // 1. extra_body.codex_capabilities, literal nesting (raw HTTP clients, the seed's form).
  let r = await post(proxy.url, {
    ...body,
    extra_body: { codex_capabilities: { prompt_mode: "custom_only" } },
  });
  assertEquals(r.status, 200);
  // 2. top-level codex_capabilities: what the OpenAI SDKs send.
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
  await client.chat.completions.create({
    ...body,
    codex_capabilities: { prompt_mode: "merge_custom" },
  } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
  // 3. the x-codex-capabilities header (JSON).
  await client.chat.completions.create(
    { ...body } as OpenAI.ChatCompletionCreateParamsNonStreaming,
    { headers: { "x-codex-capabilities": '{"prompt_mode":"custom_only"}' } },
  );
  // No override: the default (codex_default).
  r = await post(proxy.url, body);
  assertEquals(r.status, 200);
  assertEquals(proxy.fake.calls.map((c) => c.body!.instructions), [
    "Be terse.",
    `${BASE}\n\nBe terse.`,
    "Be terse.",
    BASE,
  ]);
  for (const call of proxy.fake.calls) {
    assert(!("extra_body" in call.body!) && !("codex_capabilities" in call.body!));
  }
});

Deno.test("overrides: header > top level > extra_body > backend default, key by key", async () => {
  await using proxy = await startProxy({
    configYaml: `
backends:
  openai_codex:
    type: openai-codex
    extra: { codex: { default_capabilities: { prompt_mode: custom_only, tool_schema_mode: codex_default } } }
`,
  });
  const everywhere = {
    model: "gpt-5.4",
    messages: MESSAGES,
    extra_body: {
      codex_capabilities: { prompt_mode: "custom_only", tool_schema_mode: "custom_only" },
    },
    codex_capabilities: { prompt_mode: "merge_custom" },
  };
  // All three: the header wins prompt_mode; tool_schema_mode comes from extra_body.
  let r = await post(proxy.url, everywhere, {
    "x-codex-capabilities": '{"prompt_mode":"codex_default"}',
  });
  assertEquals(r.status, 200);
  // Without the header: the top level wins over extra_body.
  r = await post(proxy.url, everywhere);
  assertEquals(r.status, 200);
  // Without any: the backend's defaults.
  r = await post(proxy.url, { model: "gpt-5.4", messages: MESSAGES });
  assertEquals(r.status, 200);
  const bodies = proxy.fake.calls.map((c) => c.body!);
  assertEquals(bodies.map((b) => b.instructions), [BASE, `${BASE}\n\nBe terse.`, "Be terse."]);
  assertEquals(bodies.map((b) => (b.tools as unknown[]).length), [0, 0, 4]);
});

Deno.test("overrides: 400 in OpenAI's shape for a bad value or unknown key, in every place", async () => {
  await using proxy = await startProxy();
  const cases: [string, Record<string, unknown>, Record<string, string>][] = [];
  for (const bad of [{ prompt_mode: "bogus" }, { no_such_key: 1 }]) {
    cases.push(["codex_capabilities", { codex_capabilities: bad }, {}]);
    cases.push(["extra_body.codex_capabilities", { extra_body: { codex_capabilities: bad } }, {}]);
    cases.push(["x-codex-capabilities", {}, { "x-codex-capabilities": JSON.stringify(bad) }]);
  }
  for (const [where, extra, headers] of cases) {
    const { status, json } = await post(
      proxy.url,
      { model: "gpt-5.4", messages: MESSAGES, ...extra },
      headers,
    );
    assertEquals(status, 400, where);
    assertEquals(Object.keys(json.error).sort(), [
      "code",
      "message",
      "param",
      "request_id",
      "type",
    ]);
    assertEquals(json.error.type, "invalid_request_error");
    assertEquals(json.error.code, "invalid_capabilities");
    if (json.error.param.endsWith("prompt_mode")) {
      assertEquals(json.error.param, `${where}.prompt_mode`);
      assertEquals(
        json.error.message,
        `${where}.prompt_mode: expected one of codex_default, merge_custom, custom_only, got "bogus"`,
      );
    } else {
      assertEquals(json.error.param, `${where}.no_such_key`);
      assertEquals(
        json.error.message,
        `${where}.no_such_key: unknown capability; known keys are protocol, codex_passthrough, ` +
          "prompt_mode, tool_schema_mode, tool_text_format, bypass_tool_call_reactor, " +
          "include_environment_context, service_tier, auto_compact",
      );
    }
  }
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("overrides: the OpenAI SDK surfaces the 400; odd inputs are 400s, not 500s", async () => {
  await using proxy = await startProxy();
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  let caught: unknown;
  try {
    await client.chat.completions.create({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "hi" }],
      codex_capabilities: { prompt_mode: "bogus" },
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
  } catch (err) {
    caught = err;
  }
  assert(caught instanceof OpenAI.BadRequestError);
  assertEquals(caught.status, 400);
  assertEquals(caught.code, "invalid_capabilities");
  assertEquals(caught.param, "codex_capabilities.prompt_mode");

  const odd: [Record<string, unknown>, Record<string, string>, string][] = [
    [{ codex_capabilities: { toString: 1 } }, {}, "codex_capabilities.toString"],
    [{ codex_capabilities: [1] }, {}, "codex_capabilities"],
    [
      { codex_capabilities: { tool_text_format: "yaml" } },
      {},
      "codex_capabilities.tool_text_format",
    ],
    [
      { codex_capabilities: { bypass_tool_call_reactor: "false" } },
      {},
      "codex_capabilities.bypass_tool_call_reactor",
    ],
    [{}, { "x-codex-capabilities": "{not json" }, "x-codex-capabilities"],
    [{}, { "x-codex-capabilities": '"custom_only"' }, "x-codex-capabilities"],
  ];
  for (const [extra, headers, param] of odd) {
    const { status, json } = await post(
      proxy.url,
      { model: "gpt-5.4", messages: MESSAGES, ...extra },
      headers,
    );
    assertEquals(status, 400, param);
    assertEquals(json.error.param, param);
  }
  assertEquals(proxy.fake.calls.length, 0);
});

const ENV_CONFIG = `
backends:
  openai_codex:
    type: openai-codex
    extra:
      codex:
        default_capabilities: { include_environment_context: true }
        environment_context: { cwd: /srv/config-cwd, shell: bash, sandbox_mode: read-only }
`;

function environmentOf(body: Record<string, unknown>): string | undefined {
  const first = (body.input as { role: string; content: { text: string }[] }[])[0];
  const text = first.content[0].text;
  return first.role === "user" && text.startsWith("<environment_context>") ? text : undefined;
}

Deno.test("environment: config values, then the request's, key by key; never upstream as a field", async () => {
  await using proxy = await startProxy({ configYaml: ENV_CONFIG });
  const body = { model: "gpt-5.4", messages: MESSAGES };
  await post(proxy.url, body);
  await post(proxy.url, {
    ...body,
    extra_body: { codex_environment: { cwd: "/from/extra_body", network_access: "enabled" } },
    codex_environment: { cwd: "/from/top-level" },
  }, { "x-codex-environment": '{"shell":"fish"}' });
  await post(proxy.url, { ...body, codex_capabilities: { include_environment_context: false } });
  const [plain, overridden, off] = proxy.fake.calls.map((c) => c.body!);
  assertEquals(
    environmentOf(plain),
    "<environment_context>\n  <cwd>/srv/config-cwd</cwd>\n  <sandbox_mode>read-only</sandbox_mode>\n" +
      "  <shell>bash</shell>\n</environment_context>",
  );
  assertEquals(
    environmentOf(overridden),
    "<environment_context>\n  <cwd>/from/top-level</cwd>\n  <sandbox_mode>read-only</sandbox_mode>\n" +
      "  <network_access>enabled</network_access>\n  <shell>fish</shell>\n</environment_context>",
  );
  assertEquals(environmentOf(off), undefined);
  for (const b of [plain, overridden, off]) {
    assert(!("codex_environment" in b) && !("extra_body" in b));
  }
});

Deno.test("environment: values are escaped; no values at all means no message", async () => {
  await using proxy = await startProxy({
    configYaml:
      "backends:\n  openai_codex:\n    type: openai-codex\n    extra: { codex: { default_capabilities: { include_environment_context: true } } }\n",
  });
  await post(proxy.url, { model: "gpt-5.4", messages: MESSAGES });
  await post(proxy.url, {
    model: "gpt-5.4",
    messages: MESSAGES,
    codex_environment: { cwd: "/tmp/<a&b>" },
  });
  const [none, escaped] = proxy.fake.calls.map((c) => c.body!);
  assertEquals(environmentOf(none), undefined);
  assertEquals(
    environmentOf(escaped),
    "<environment_context>\n  <cwd>/tmp/&lt;a&amp;b&gt;</cwd>\n</environment_context>",
  );
});

Deno.test("environment: unknown keys and non-strings are 400s naming the key", async () => {
  await using proxy = await startProxy();
  const cases: [Record<string, unknown>, Record<string, string>, string, string][] = [
    [{ codex_environment: { home: "/root" } }, {}, "codex_environment.home", "unknown key"],
    [{ codex_environment: { cwd: 5 } }, {}, "codex_environment.cwd", "expected a string"],
    [{}, { "x-codex-environment": "[]" }, "x-codex-environment", "expected an object"],
    [{}, { "x-codex-environment": "nope" }, "x-codex-environment", "JSON object"],
  ];
  for (const [extra, headers, param, words] of cases) {
    const { status, json } = await post(
      proxy.url,
      { model: "gpt-5.4", messages: MESSAGES, ...extra },
      headers,
    );
    assertEquals(status, 400, param);
    assertEquals(json.error.param, param);
    assertEquals(json.error.code, "invalid_environment");
    assertStringIncludes(json.error.message, words);
  }
  assertEquals(proxy.fake.calls.length, 0);
});
