/**
 * The capability table through the Responses frontend (`/v1/responses`,
 * npm:openai `responses.create`), streamed and not. Every row holds as for
 * Chat Completions except `protocol: openai-responses` and
 * `codex_passthrough: true`, which switch this frontend to passthrough.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import type { SeenAnswer } from "./chat_client.ts";
import {
  BASE,
  type Body,
  CALL_ID,
  CONFIG,
  reply,
  RESPONSES_REQUEST,
  type Row,
  ROWS,
  runRows,
  SHELL_ARGS,
  TEXT_ANSWER,
  UPSTREAM_CLIENT_TOOLS,
  userItem,
} from "./capability_rows.ts";
import { responsesOnce, responsesStream } from "./responses_client.ts";

/** Passthrough: the client's own instructions and tools as sent, the upstream model name. */
function passthroughCheck(body: Body, seen: SeenAnswer, baseline: Body): void {
  assertEquals(body, {
    model: "gpt-5.4",
    instructions: "Be terse.",
    input: [userItem],
    tools: UPSTREAM_CLIENT_TOOLS,
    tool_choice: "auto",
    parallel_tool_calls: true,
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: body.prompt_cache_key,
  });
  assert(JSON.stringify(body) !== JSON.stringify(baseline));
  TEXT_ANSWER(seen);
  assertEquals(seen.model, "gpt-5.4");
}

function normalizedCheck(row: Row) {
  return (body: Body, seen: SeenAnswer, baseline: Body) => {
    row.check(body, seen, baseline);
    // Normalised: the model name echoed as the client asked.
    assertEquals(seen.model, "tidy");
  };
}

const RESPONSES_ROWS: Row[] = ROWS.map((row) =>
  (row.key === "protocol" && row.value === "openai-responses") ||
    (row.key === "codex_passthrough" && row.value === true)
    ? { ...row, check: passthroughCheck }
    : { ...row, check: normalizedCheck(row) }
);

Deno.test("capabilities table: responses, each key × value, streamed and not", async () => {
  await using proxy = await startProxy({ configYaml: CONFIG });
  const request = { ...RESPONSES_REQUEST, model: "tidy" };
  proxy.fake.enqueue(reply("text"));
  const first = await responsesOnce(proxy.url, { body: request });
  TEXT_ANSWER(first);
  const baseline = proxy.fake.calls[0].body!;
  assertEquals(baseline.instructions, BASE);

  await runRows(proxy, RESPONSES_ROWS, request, {
    baseline,
    sends: [responsesOnce, responsesStream],
  });
});

Deno.test("responses passthrough: the reactor and tool_text_format still apply", async () => {
  await using proxy = await startProxy({ configYaml: CONFIG });
  const request = { ...RESPONSES_REQUEST, model: "tidy" };
  proxy.fake.enqueue(reply("call"));
  const blocked = await responsesStream(proxy.url, {
    body: {
      ...request,
      codex_capabilities: { codex_passthrough: true, bypass_tool_call_reactor: false },
    },
  });
  assertEquals(blocked.toolCalls, []);
  assertEquals(blocked.content, "Refused by no-rm-rf-root: not deleting /.");
  assertEquals(blocked.model, "gpt-5.4");

  proxy.fake.enqueue(reply("call"));
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-codex-capabilities": '{"codex_passthrough":true,"tool_text_format":"xml"}',
    },
    body: JSON.stringify({ ...request, stream: true }),
  });
  const wire = await res.text();
  assert(!wire.includes("function_call"), wire);
  const deltas = wire.split("\n\n").filter((f) => f.startsWith("event: response.output_text.delta"))
    .map((f) => JSON.parse(f.slice(f.indexOf("data: ") + 6)).delta).join("");
  assertEquals(
    deltas,
    `<tool_call name="shell" call_id="${CALL_ID}">${SHELL_ARGS}</tool_call>`,
  );
});
