import { assert, assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { BASE_INSTRUCTIONS, developerItem, MODES, userItem } from "./support.ts";

const SYSTEM = "You are opencode, an interactive CLI agent. Be concise.";
const BASH_TOOL = {
  type: "function",
  name: "bash",
  description: "Run a shell command",
  parameters: {
    type: "object",
    properties: { command: { type: "string" } },
    required: ["command"],
    additionalProperties: false,
  },
  strict: false,
};

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return await fetch(`${url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function sseText(text: string): string {
  return text.split("\n\n").filter((f) => f.includes("response.output_text.delta"))
    .map((f) => JSON.parse(f.slice(f.indexOf("data: ") + 6)).delta).join("");
}

for (const mode of MODES) {
  Deno.test(`opencode shape (${mode.name}): system items, max_output_tokens, tools, streaming`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const res = await post(proxy.url, {
      model: "gpt-5.4",
      input: [
        { role: "system", content: SYSTEM },
        { role: "system", content: "Working directory: /home/me/project" },
        { role: "user", content: [{ type: "input_text", text: "list the files" }] },
      ],
      max_output_tokens: 32000,
      reasoning: { effort: "medium", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      store: false,
      tools: [BASH_TOOL],
      tool_choice: "auto",
      stream: true,
      prompt_cache_key: "ses_abc123",
      text: { verbosity: "low" },
    });
    assertEquals(res.status, 200);
    assertEquals(sseText(await res.text()), "Echo: list the files");
    const system = `${SYSTEM}\n\nWorking directory: /home/me/project`;
    assertEquals(proxy.fake.calls[0].body, {
      model: "gpt-5.4",
      // codex_default: the Codex instructions; the client's system prompt as a developer message.
      instructions: BASE_INSTRUCTIONS,
      input: [developerItem(system), userItem("list the files")],
      tools: [BASH_TOOL],
      tool_choice: "auto",
      parallel_tool_calls: true,
      reasoning: { effort: "medium", summary: "auto" },
      store: false,
      stream: true,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "ses_abc123",
      text: { verbosity: "low" },
    });
    assertEquals(proxy.fake.calls[0].headers["session-id"], "ses_abc123");
  });

  Deno.test(`opencode shape (${mode.name}): the small title request`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const res = await post(proxy.url, {
      model: "gpt-5.4-mini",
      input: [
        { role: "system", content: "You are a title generator. Output only a short title." },
        { role: "user", content: "Generate a title for this conversation: list the files" },
      ],
      max_output_tokens: 1500,
      temperature: 0.5,
      store: false,
      stream: false,
    });
    assertEquals(res.status, 200);
    const json = await res.json();
    assertEquals(json.object, "response");
    assertEquals(json.status, "completed");
    const text = json.output[0].content[0].text;
    assertEquals(text, "Echo: Generate a title for this conversation: list the files");
    const body = proxy.fake.calls[0].body!;
    assertEquals(body.model, "gpt-5.4-mini");
    assert(!("max_output_tokens" in body) && !("temperature" in body));
    assertEquals(body.input, [
      developerItem("You are a title generator. Output only a short title."),
      userItem("Generate a title for this conversation: list the files"),
    ]);
  });

  Deno.test(`opencode shape (${mode.name}): a later turn with item ids and a system item mid-way`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const res = await post(proxy.url, {
      model: "gpt-5.4",
      input: [
        { role: "system", content: SYSTEM },
        { role: "user", content: [{ type: "input_text", text: "CALL_TOOL=bash" }] },
        {
          type: "reasoning",
          id: "rs_1",
          encrypted_content: "gAAAAold",
          summary: [{ type: "summary_text", text: "Will run ls." }],
        },
        {
          type: "function_call",
          id: "fc_1",
          call_id: "call_1",
          name: "bash",
          arguments: '{"command":"ls"}',
        },
        { type: "function_call_output", call_id: "call_1", output: "a.txt\nb.txt" },
        { role: "system", content: "Reminder: stay in the project." },
      ],
      max_output_tokens: 32000,
      store: false,
      tools: [BASH_TOOL],
      stream: true,
    });
    assertEquals(res.status, 200);
    await res.body?.cancel();
    const input = proxy.fake.calls[0].body!.input;
    assertEquals(input, [
      developerItem(SYSTEM),
      userItem("CALL_TOOL=bash"),
      {
        type: "reasoning",
        encrypted_content: "gAAAAold",
        summary: [{ type: "summary_text", text: "Will run ls." }],
      },
      { type: "function_call", call_id: "call_1", name: "bash", arguments: '{"command":"ls"}' },
      { type: "function_call_output", call_id: "call_1", output: "a.txt\nb.txt" },
      developerItem("Reminder: stay in the project."),
    ]);
  });
}

Deno.test("opencode shape: custom_only puts the system items into instructions", async () => {
  await using proxy = await startProxy();
  const res = await post(proxy.url, {
    model: "gpt-5.4",
    input: [{ role: "system", content: SYSTEM }, { role: "user", content: "hi" }],
    codex_capabilities: { codex_passthrough: true, prompt_mode: "custom_only" },
  });
  assertEquals(res.status, 200);
  await res.body?.cancel();
  assertEquals(proxy.fake.calls[0].body!.instructions, SYSTEM);
  assertEquals(proxy.fake.calls[0].body!.input, [userItem("hi")]);
});
