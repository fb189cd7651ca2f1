import { assert, assertEquals } from "../support/assert.ts";
import OpenAI from "openai";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { MODES } from "./support.ts";

const LONG = "mcp__filesystem.read file/with a name that is far too long for the backend";

for (const mode of MODES) {
  Deno.test(`responses tools (${mode.name}): a name the backend refuses is mapped and mapped back`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    proxy.fake.respond((request) => {
      const upstreamName = String((request.body!.tools as { name: string }[])[0].name);
      return {
        kind: "events",
        events: new ScriptBuilder().toolCall(upstreamName, '{"path":"a.txt"}').completed(),
      };
    });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
    const tool: OpenAI.Responses.FunctionTool = {
      type: "function",
      name: LONG,
      parameters: { type: "object", properties: { path: { type: "string" } } },
      strict: false,
    };
    const stream = client.responses.stream({ model: "gpt-5.4", input: "read", tools: [tool] });
    const added: string[] = [];
    stream.on("response.output_item.added", (e) => {
      if (e.item.type === "function_call") added.push(e.item.name);
    });
    const final = await stream.finalResponse();
    const call = final.output[0];
    assert(call.type === "function_call");
    assertEquals(call.name, LONG);
    assertEquals(added, [LONG]);
    const sent = (proxy.fake.calls[0].body!.tools as { name: string }[])[0].name;
    assert(sent !== LONG && /^[a-zA-Z0-9_-]{1,64}$/.test(sent), sent);

    // The next turn sends the call back under the client's name; upstream sees the safe one.
    await client.responses.create({
      model: "gpt-5.4",
      tools: [tool],
      store: false,
      input: [
        { role: "user", content: "read" },
        { type: "function_call", call_id: call.call_id, name: LONG, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: "contents" },
      ],
    });
    const input = proxy.fake.calls[1].body!.input as { type: string; name?: string }[];
    assertEquals(input[1].name, sent);
  });

  Deno.test(`responses tools (${mode.name}): Codex CLI tool kinds pass, hosted-only kinds are dropped`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const tools = [
      { type: "function", name: "exec_command", parameters: { type: "object" }, strict: false },
      {
        type: "custom",
        name: "apply_patch",
        description: "patch",
        format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
      },
      {
        type: "namespace",
        name: "image_gen",
        description: "images",
        tools: [{ type: "function", name: "generate", parameters: { type: "object" } }],
      },
      { type: "web_search", external_web_access: false },
      { type: "local_shell" },
      { type: "web_search_preview", search_context_size: "low" },
      { type: "file_search", vector_store_ids: ["vs_1"] },
      { type: "computer_use_preview", display_width: 1, display_height: 1, environment: "linux" },
    ];
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", input: "hi", tools }),
    });
    assertEquals(res.status, 200);
    assertEquals((await res.json()).status, "completed");
    assertEquals(proxy.fake.calls[0].body!.tools, [
      ...tools.slice(0, 5),
      { type: "web_search", search_context_size: "low" },
    ]);
    assert(
      proxy.logs.some((l) => l.includes("dropped parameters") && l.includes("file_search")),
    );
  });
}

Deno.test("responses: bad requests get 400 in OpenAI's shape", async () => {
  await using proxy = await startProxy();
  const cases: [Record<string, unknown>, string][] = [
    [{ input: "x" }, "model"],
    [{ model: "gpt-5.4" }, "input"],
    [{ model: "gpt-5.4", input: 5 }, "input"],
    [{ model: "gpt-5.4", input: [{ role: "robot", content: "x" }] }, "input[0].role"],
    [{ model: "gpt-5.4", input: "x", tools: [{ type: "function" }] }, "tools[0].name"],
    [{ model: "gpt-5.4", input: "x", background: true }, "background"],
    [{ model: "gpt-5.4", input: "x", conversation: "conv_1" }, "conversation"],
  ];
  for (const [body, param] of cases) {
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assertEquals(res.status, 400, JSON.stringify(body));
    const json = await res.json();
    assertEquals(json.error.param, param);
    assertEquals(json.error.type, "invalid_request_error");
  }
  assertEquals(proxy.fake.calls.length, 0);
});
