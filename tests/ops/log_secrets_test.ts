import OpenAI from "openai";
import { assert, assertEquals } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { ALL_LOG_LINES, startProxy } from "../support/harness.ts";
import { linesWithSecrets, rememberSecrets, SEEN_SECRETS } from "../support/secret_check.ts";
import { postChat } from "./ops_helpers.ts";

const KEY = "cg-secret-proxy-key-93ab7d1e";

Deno.test("log secrets: errors, retries, refresh, timeouts and status at debug level leak nothing", async () => {
  SEEN_SECRETS.add(KEY);
  await using proxy = await startProxy({
    configYaml:
      `server:\n  api_key: ${KEY}\nbackends:\n  openai_codex: { type: openai-codex, timeout: 0.3 }\n`,
    tokens: { expiresIn: 60 }, // inside the refresh margin: the first request refreshes
  });
  rememberSecrets(proxy.tokens);
  const auth = { authorization: `Bearer ${KEY}` };
  const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: KEY });
  await client.chat.completions.create({
    model: "gpt-5.4",
    messages: [{ role: "user", content: "a" }],
  });
  rememberSecrets(...proxy.fake.issued);
  assertEquals(proxy.fake.tokenCalls.length, 1, "the refresh happened");
  // Rejected token → recover; usage limit; 503 retry; HTML; timeout; wrong key; model 404.
  proxy.fake.revoke(proxy.fake.issued[0].access_token);
  assertEquals((await postChat(proxy.url, { model: "gpt-5.4" }, auth)).status, 200);
  rememberSecrets(...proxy.fake.issued);
  proxy.fake.enqueue(
    replies.usageLimit(),
    replies.status(503),
    replies.text("ok"),
    replies.cloudflare(),
    {
      kind: "hang",
    },
  );
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    statuses.push(
      (await postChat(proxy.url, { model: "gpt-5.4", stream: i % 2 === 0 }, auth)).status,
    );
  }
  assertEquals(statuses, [429, 200, 502, 504]);
  await fetch(`${proxy.url}/health`).then((r) => r.text());
  await postChat(proxy.url, { model: "gpt-5.4" }, { authorization: "Bearer wrong-key-123456789" });
  await postChat(proxy.url, { model: "nope-1" }, { "x-api-key": KEY });
  await fetch(`${proxy.url}/status`, { headers: auth }).then((r) => r.text());
  await fetch(`${proxy.url}/v1/models`, { headers: auth }).then((r) => r.text());

  assert(proxy.logs.length > 10, "the run logged");
  assert(proxy.logs.some((l) => l.includes('"level":"debug"')), "debug level was on");
  assertEquals(linesWithSecrets(proxy.logs), []);
  assert(!proxy.logs.some((l) => l.includes(KEY) || l.includes("wrong-key-123456789")));
});

Deno.test("log secrets: no log line of this test process holds a token or the proxy key", () => {
  assert(ALL_LOG_LINES.length > 0);
  assertEquals(linesWithSecrets(ALL_LOG_LINES), []);
});
