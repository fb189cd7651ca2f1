/**
 * `/v1/images/generations` and `/v1/images/edits` on a real socket, through
 * the npm:openai SDK, in front of the fake backend's images endpoints.
 */
import OpenAI, { toFile } from "openai";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { FAKE_PNG_BASE64, replies } from "../support/fake_codex.ts";
import { startProxy } from "../support/harness.ts";

const client = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });

Deno.test("images: the openai SDK's images.generate gets b64_json images from the backend", async () => {
  await using proxy = await startProxy();
  const result = await client(proxy.url).images.generate({
    model: "gpt-image-1",
    prompt: "a red square",
    n: 2,
    size: "1024x1024",
    quality: "low",
    moderation: "low",
  });
  assertEquals(result.data?.map((d) => d.b64_json), [FAKE_PNG_BASE64, FAKE_PNG_BASE64]);
  assertEquals(typeof result.created, "number");
  assertEquals(result.usage?.output_tokens, 515);
  const call = proxy.fake.imageCalls[0];
  assertEquals(call.path, "/backend-api/codex/images/generations");
  // Only what the backend takes goes up; `moderation` is dropped.
  assertEquals(call.body, {
    prompt: "a red square",
    model: "gpt-image-1",
    n: 2,
    size: "1024x1024",
    quality: "low",
  });
  assertEquals(call.headers["authorization"], `Bearer ${proxy.tokens.access_token}`);
  assertEquals(call.headers["chatgpt-account-id"], proxy.tokens.account_id);
  assertEquals(proxy.fake.calls.length, 0, "no /responses call");
});

Deno.test("images: with no model the configured image_model goes up; url answers get data URLs", async () => {
  await using proxy = await startProxy({
    configYaml: `
backends:
  openai_codex:
    type: openai-codex
    extra: { codex: { image_model: gpt-image-1.5 } }
`,
  });
  const res = await fetch(`${proxy.url}/images/generations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: "a blue circle", response_format: "url" }),
  });
  assertEquals(res.status, 200);
  const json = await res.json();
  assertEquals(json.data[0].url, `data:image/png;base64,${FAKE_PNG_BASE64}`);
  assertEquals(proxy.fake.imageCalls[0].body?.model, "gpt-image-1.5");
  assert(res.headers.get("x-codex-primary-used-percent") !== null, "quota headers passed on");
});

Deno.test("images: the openai SDK's images.edit (multipart) goes up as JSON with data URLs", async () => {
  await using proxy = await startProxy();
  const png = Uint8Array.from(atob(FAKE_PNG_BASE64), (c) => c.charCodeAt(0));
  const result = await client(proxy.url).images.edit({
    model: "gpt-image-1",
    image: await toFile(png, "square.png", { type: "image/png" }),
    prompt: "make it blue",
  });
  assertEquals(result.data?.[0].b64_json, FAKE_PNG_BASE64);
  const call = proxy.fake.imageCalls[0];
  assertEquals(call.path, "/backend-api/codex/images/edits");
  assertEquals(call.body?.images, [{ image_url: `data:image/png;base64,${FAKE_PNG_BASE64}` }]);
  assertEquals(call.body?.prompt, "make it blue");
});

Deno.test("images: bad requests and backend failures are errors in OpenAI's shape", async () => {
  await using proxy = await startProxy();
  const noPrompt = await fetch(`${proxy.url}/v1/images/generations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-image-1" }),
  });
  assertEquals(noPrompt.status, 400);
  assertEquals((await noPrompt.json()).error.param, "prompt");
  const noImage = await fetch(`${proxy.url}/v1/images/edits`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: "edit nothing" }),
  });
  assertEquals(noImage.status, 400);
  assertEquals((await noImage.json()).error.param, "image");
  const wrongMethod = await fetch(`${proxy.url}/v1/images/generations`);
  assertEquals(wrongMethod.status, 405);
  await wrongMethod.body?.cancel();
  proxy.fake.enqueue(replies.usageLimit(600));
  const error = await client(proxy.url).images.generate({ prompt: "x" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert(error instanceof OpenAI.APIError);
  assertEquals(error.status, 429);
  assertEquals((error.error as { code?: string }).code, "usage_limit_reached");
  assertStringIncludes(error.message, "plus");
  assertEquals(proxy.fake.calls.length, 0);
});
