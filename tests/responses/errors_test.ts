import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import OpenAI from "openai";
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { MODES } from "./support.ts";

for (const mode of MODES) {
  Deno.test(`responses errors (${mode.name}): a stream cut after the first byte ends with one error event`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const events = new ScriptBuilder().text("this answer never finishes", { chunks: 5 })
      .completed();
    proxy.fake.enqueue({ kind: "events", events, cutAfter: 5 });
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", input: "go", stream: true }),
    });
    assertEquals(res.status, 200);
    const frames = (await res.text()).split("\n\n").filter((f) => f.trim() !== "");
    assertEquals(frames.length, 6);
    const last = frames.at(-1)!;
    assert(last.startsWith("event: error\ndata: "), last);
    const data = JSON.parse(last.slice(last.indexOf("data: ") + 6));
    assertEquals(data.type, "error");
    assertEquals(data.code, "upstream_stream_cut");
    assertEquals(data.error.code, "upstream_stream_cut");

    // The SDK turns it into a thrown APIError.
    proxy.fake.enqueue({ kind: "events", events, cutAfter: 5 });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const error = await client.responses.stream({ model: "gpt-5.4", input: "go" }).finalResponse()
      .catch((e) => e);
    assert(error instanceof OpenAI.APIError, String(error));
    assertStringIncludes(error.message, "ended before the response completed");
  });

  Deno.test(`responses errors (${mode.name}): usage limit before the first byte is a 429 with Retry-After`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    proxy.fake.enqueue(replies.usageLimit(600));
    const res = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5.4", input: "go", stream: true }),
    });
    assertEquals(res.status, 429);
    assertEquals(res.headers.get("retry-after"), "600");
    const json = await res.json();
    assertEquals(json.error.code, "usage_limit_reached");
    assertStringIncludes(json.error.message, "plus");
  });

  Deno.test(`responses errors (${mode.name}): a context-overflow error event before output is an HTTP 400, not a 200`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    proxy.fake.enqueue(replies.contextOverflow());
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const error = await client.responses.create({ model: "gpt-5.4", input: "huge" })
      .catch((e) => e);
    assert(error instanceof OpenAI.BadRequestError, String(error));
    assertEquals(error.code, "context_length_exceeded");
  });
}
