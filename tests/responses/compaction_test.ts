/**
 * The Codex CLI's compaction through codexgate
 * (docs/websocket-and-compaction.md#compaction): `compaction_trigger` and
 * `compaction` items pass untouched in both Responses modes, and the older
 * `POST /v1/responses/compact` passes through to the backend.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { FAKE_COMPACTION_PREFIX } from "../support/fake_codex.ts";
import { startProxy } from "../support/harness.ts";
import { MODES, userItem } from "./support.ts";

const assistantItem = (text: string) => ({
  type: "message",
  role: "assistant",
  content: [{ type: "output_text", text }],
});

async function post(url: string, body: unknown): Promise<Response> {
  return await fetch(`${url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

for (const mode of MODES) {
  Deno.test(`compaction (${mode.name}): a compaction_trigger gets one opaque compaction item back; it then stands in for the history`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const history = [
      userItem("first"),
      assistantItem("one"),
      userItem("second"),
      assistantItem("two"),
    ];
    const answer = await post(proxy.url, {
      model: "gpt-5.4",
      store: false,
      input: [...history, { type: "compaction_trigger" }],
    });
    assertEquals(answer.status, 200);
    const response = await answer.json();
    const output = response.output as Record<string, unknown>[];
    assertEquals(output.length, 1);
    assertEquals(output[0].type, "compaction");
    const encrypted = String(output[0].encrypted_content);
    assert(encrypted.startsWith(FAKE_COMPACTION_PREFIX));
    // The trigger went up exactly as the client wrote it.
    const sent = proxy.fake.calls[0].body!.input as Record<string, unknown>[];
    assertEquals(sent.at(-1), { type: "compaction_trigger" });

    // Streaming, the next turn sends the compaction item + the new input.
    const next = await post(proxy.url, {
      model: "gpt-5.4",
      store: false,
      stream: true,
      input: [{ type: "compaction", id: "cmp_1", encrypted_content: encrypted }, userItem("third")],
    });
    assertEquals(next.status, 200);
    const text = await next.text();
    assert(text.includes("Echo: third"), text.slice(0, 500));
    const second = proxy.fake.calls[1].body!.input as Record<string, unknown>[];
    const compaction = second.find((i) => i.type === "compaction")!;
    assertEquals(compaction.encrypted_content, encrypted);
  });
}

Deno.test("compaction: a compaction item the backend did not make is its refusal, not codexgate's", async () => {
  await using proxy = await startProxy();
  const answer = await post(proxy.url, {
    model: "gpt-5.4",
    input: [{ type: "compaction", encrypted_content: "forged" }, userItem("hi")],
  });
  assertEquals(answer.status, 400);
  assertEquals(proxy.fake.calls.length, 1);
});

Deno.test("compaction: POST /v1/responses/compact passes through to the backend's compact endpoint", async () => {
  await using proxy = await startProxy();
  const input = [userItem("first"), assistantItem("one"), userItem("second")];
  const answer = await fetch(`${proxy.url}/v1/responses/compact`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", instructions: "be brief", input }),
  });
  assertEquals(answer.status, 200);
  const body = await answer.json();
  assertEquals(body.output.length, 1);
  assertEquals(body.output[0].type, "compaction");
  assertEquals(proxy.fake.compactCalls.length, 1);
  const sent = proxy.fake.compactCalls[0];
  assertEquals(sent.body!.input, input);
  assertEquals(sent.body!.instructions, "be brief");
  assert(sent.headers.authorization.startsWith("Bearer "));
  assertEquals(sent.headers["chatgpt-account-id"], proxy.tokens.account_id);

  const refused = await fetch(`${proxy.url}/v1/responses/compact`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assertEquals(refused.status, 400);
  assertEquals((await refused.json()).error.param, "model");
});
