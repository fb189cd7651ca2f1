/**
 * Reasoning efforts the model's catalog entry does not list (the fake
 * backend refuses them, as the plan's backend does) are mapped to a level it
 * lists, through real clients on all three APIs; the answer says what was used.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { chooseEffort } from "../../src/models/choose_effort.ts";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { FAKE_MODELS, refuseSettings } from "../support/fake_codex.ts";
import { type ProxyHarness, startProxy } from "../support/harness.ts";
import { MODES } from "../responses/support.ts";

type Line = Record<string, unknown>;

function openai(proxy: ProxyHarness): OpenAI {
  return new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
}

function upstreamEffort(proxy: ProxyHarness, index: number): unknown {
  return (proxy.fake.calls[index].body!.reasoning as { effort?: string } | undefined)?.effort;
}

function requestLine(proxy: ProxyHarness, id: string | null): Line {
  const line = proxy.logs.map((l) => JSON.parse(l)).find((l) => l.msg === "request" && l.id === id);
  assert(line, `a request line for ${id}`);
  return line;
}

function catalogEntry(slug: string): Parameters<typeof chooseEffort>[1]["model"] {
  return FAKE_MODELS.find((m) => m.slug === slug) as Parameters<
    typeof chooseEffort
  >[1]["model"];
}

Deno.test("effort: the fake backend refuses none/minimal for gpt-5.4, as the plan's backend does", () => {
  for (const effort of ["none", "minimal"]) {
    const refused = refuseSettings({ model: "gpt-5.4", reasoning: { effort } }, FAKE_MODELS);
    assertEquals(refused?.status, 400, effort);
  }
  assertEquals(
    refuseSettings({ model: "gpt-5.4", reasoning: { effort: "low" } }, FAKE_MODELS),
    undefined,
  );
});

for (const mode of MODES) {
  Deno.test(`effort (${mode.name}): Responses reasoning.effort none → lowest level, said in header and log`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const { data, response } = await openai(proxy).responses.create({
      model: "gpt-5.4",
      input: "hi",
      reasoning: { effort: "none" },
    }).withResponse();
    assertEquals(data.output_text, "Echo: hi");
    assertEquals(upstreamEffort(proxy, 0), "low");
    assertEquals(response.headers.get("x-codexgate-reasoning-effort"), "low");
    const id = response.headers.get("x-request-id");
    const line = requestLine(proxy, id);
    assertEquals([line.status, line.reasoning_effort, line.reasoning_effort_requested], [
      200,
      "low",
      "none",
    ]);
    const mapped = proxy.logs.map((l) => JSON.parse(l)).find((l) =>
      l.msg === "reasoning effort mapped"
    );
    assertEquals(
      [mapped?.level, mapped?.requestId, mapped?.requested, mapped?.used],
      ["debug", id, "none", "low"],
    );
  });
}

Deno.test("effort: Chat reasoning_effort minimal, none, xhigh on gpt-5.4-mini → low, low, high", async () => {
  await using proxy = await startProxy();
  const client = openai(proxy);
  const used: (string | null)[] = [];
  for (const effort of ["minimal", "none", "xhigh"] as OpenAI.ReasoningEffort[]) {
    const { response } = await client.chat.completions.create({
      model: "gpt-5.4-mini",
      messages: [{ role: "user", content: "hi" }],
      reasoning_effort: effort,
    }).withResponse();
    used.push(response.headers.get("x-codexgate-reasoning-effort"));
  }
  assertEquals(used, ["low", "low", "high"]);
  assertEquals([0, 1, 2].map((i) => upstreamEffort(proxy, i)), ["low", "low", "high"]);
  // A level the model lists goes as is and is logged without a "requested".
  const { response } = await client.chat.completions.create({
    model: "gpt-5.4-mini",
    messages: [{ role: "user", content: "hi" }],
    reasoning_effort: "medium",
  }).withResponse();
  const line = requestLine(proxy, response.headers.get("x-request-id"));
  assertEquals([line.reasoning_effort, line.reasoning_effort_requested], ["medium", undefined]);
});

Deno.test("effort: Chat stream with reasoning_effort none gets its answer", async () => {
  await using proxy = await startProxy();
  const stream = await openai(proxy).chat.completions.create({
    model: "gpt-5.4",
    stream: true,
    messages: [{ role: "user", content: "stream me" }],
    reasoning_effort: "none",
  });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  assertEquals(text, "Echo: stream me");
  assertEquals(upstreamEffort(proxy, 0), "low");
});

Deno.test("effort: Anthropic thinking disabled or a zero budget → lowest level, no thinking blocks", async () => {
  await using proxy = await startProxy();
  const client = new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 });
  const { data, response } = await client.messages.create({
    model: "claude-haiku-5",
    max_tokens: 100,
    thinking: { type: "disabled" },
    messages: [{ role: "user", content: "hi" }],
  }).withResponse();
  assertEquals(data.content, [{ type: "text", text: "Echo: hi" }] as unknown);
  assertEquals(response.headers.get("x-codexgate-reasoning-effort"), "low");
  await client.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 100,
    thinking: { type: "enabled", budget_tokens: 0 },
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(proxy.fake.calls.map((c) => c.body!.reasoning), [
    { effort: "low" },
    { effort: "low" },
  ]);
});

Deno.test("effort: an effort with no known meaning is still a 400 naming the levels", async () => {
  await using proxy = await startProxy();
  const error = await openai(proxy).responses.create({
    model: "gpt-5.4",
    input: "hi",
    reasoning: { effort: "extreme" as OpenAI.ReasoningEffort },
  }).then(() => undefined, (e) => e);
  assert(error instanceof OpenAI.BadRequestError, String(error));
  assertEquals(error.code, "unsupported_reasoning_effort");
  assertEquals(error.param, "reasoning.effort");
  assertStringIncludes(error.message, "use one of low, medium, high, xhigh");
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("effort: a model the catalog gives no levels for takes any effort as sent", async () => {
  await using proxy = await startProxy();
  await openai(proxy).responses.create({
    model: "codex-auto-review",
    input: "hi",
    reasoning: { effort: "none" },
  });
  assertEquals(upstreamEffort(proxy, 0), "none");
});

Deno.test("effort: chooseEffort picks the nearest offered level, the lower on a tie", () => {
  const gpt54 = catalogEntry("gpt-5.4"); // low, medium, high, xhigh
  const gapped = {
    slug: "gapped",
    supported_reasoning_levels: [{ effort: "low" }, { effort: "high" }],
  };
  const rows: [string, Parameters<typeof chooseEffort>[1]["model"], string][] = [
    ["none", gpt54, "low"],
    ["minimal", gpt54, "low"],
    ["medium", gpt54, "medium"],
    ["max", gpt54, "xhigh"],
    ["ultra", catalogEntry("gpt-5.4-mini"), "high"],
    ["medium", gapped, "low"],
    ["none", { slug: "with-none", supported_reasoning_levels: [{ effort: "none" }] }, "none"],
  ];
  for (const [effort, model, used] of rows) {
    assertEquals(chooseEffort(effort, { model, param: "p" }), { requested: effort, used }, effort);
  }
  assertEquals(chooseEffort(undefined, { model: gpt54, param: "p" }), undefined);
});
