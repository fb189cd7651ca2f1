/**
 * Usage history end to end, in-process: every finished completion lands in
 * the SQLite file in `data_dir` with its client key's name (never the key);
 * `GET /v1/usage` sums it in the agreed shape behind the api key; bad input is
 * a 400 in OpenAI's shape; `codexgate usage` prints the same figures; each
 * non-streaming answer says how many input tokens were cached.
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { inProcessApp } from "../support/in_process.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { runUsage } from "../../src/cli/usage.ts";

async function appWithHistory(extra = "") {
  const dir = await Deno.makeTempDir();
  const a = inProcessApp({
    configYaml: `
data_dir: ${JSON.stringify(dir)}
server:
  api_key: single-key-000
  api_keys: [{ name: ci-bot, key: key-ci-bot-789 }]
${extra}`,
    reply: () =>
      new ScriptBuilder().text("ok").usage({
        input_tokens: 1000,
        cached_tokens: 800,
        output_tokens: 50,
        reasoning_tokens: 10,
      }).completed(),
  });
  const get = (path: string, key = "key-ci-bot-789") =>
    a.handler(new Request(`http://codexgate.test${path}`, { headers: { "x-api-key": key } }));
  return { ...a, dir, get };
}

const chat = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };

/**
 * Waits (bounded) until another connection sees `n` rows: the server writes
 * finished requests in batches, at most a second after they end.
 */
async function rowsWritten(path: string, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (let seen = 0; seen < n;) {
    try {
      const db = new DatabaseSync(path, { readOnly: true });
      seen = Number((db.prepare("SELECT COUNT(*) AS n FROM requests").get() as { n: number }).n);
      db.close();
    } catch { /* not created yet */ }
    if (seen >= n) return;
    if (Date.now() > deadline) throw new Error(`${path}: ${seen} rows, ${n} expected`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("usage: finished requests → GET /v1/usage by day,model,client; the key's name, never the key", async () => {
  const a = await appWithHistory();
  const named = await a.post("/v1/chat/completions", chat, {
    authorization: "Bearer key-ci-bot-789",
  });
  assertEquals(named.headers.get("x-codexgate-cached-tokens"), "800");
  const body = await named.json();
  assertEquals(body.usage.prompt_tokens_details.cached_tokens, 800);
  const single = await a.post("/v1/messages", {
    model: "gpt-5.4",
    max_tokens: 100,
    messages: [{ role: "user", content: "hi" }],
  }, { "x-api-key": "single-key-000" });
  assertEquals(single.headers.get("x-codexgate-cached-tokens"), "800");
  assertEquals((await single.json()).usage.cache_read_input_tokens, 800);

  assertEquals(a.finished.map((f) => f.client), ["ci-bot", undefined]);
  const line = a.logs.find((l) => l.includes('"client":"ci-bot"'));
  assert(line, "the log line names the client");
  assert(!a.logs.some((l) => l.includes("key-ci-bot-789") || l.includes("single-key-000")));

  const res = await a.get("/v1/usage?since=1d&by=day,model,client");
  assertEquals(res.status, 200);
  const usage = await res.json();
  assertEquals(usage.object, "usage");
  assertEquals(usage.by, ["day", "model", "client"]);
  assert(Date.parse(usage.since) < Date.parse(usage.until));
  const today = new Date().toISOString().slice(0, 10);
  assertEquals(usage.rows, [
    {
      day: today,
      model: "gpt-5.4",
      client: "",
      requests: 1,
      errors: 0,
      input_tokens: 1000,
      cached_tokens: 800,
      output_tokens: 50,
      reasoning_tokens: 10,
      cache_hit_ratio: 0.8,
    },
    {
      day: today,
      model: "gpt-5.4",
      client: "ci-bot",
      requests: 1,
      errors: 0,
      input_tokens: 1000,
      cached_tokens: 800,
      output_tokens: 50,
      reasoning_tokens: 10,
      cache_hit_ratio: 0.8,
    },
  ]);
  const byDialect = await (await a.get("/v1/usage?by=dialect")).json();
  assertEquals(byDialect.rows.map((r: { dialect: string }) => r.dialect), ["anthropic", "chat"]);
  const byDefault = await (await a.get("/v1/usage")).json();
  assertEquals(byDefault.by, ["day"]);
  assertEquals(byDefault.rows[0].requests, 2);
});

Deno.test("usage: behind the api key; bad since/by are 400s in OpenAI's shape", async () => {
  const a = await appWithHistory();
  const anon = await a.get("/v1/usage", "wrong");
  assertEquals(anon.status, 401);
  assertEquals((await anon.json()).error.code, "invalid_api_key");
  for (const q of ["since=yesterday", "by=week", "by="]) {
    const res = await a.get(`/v1/usage?${q}`);
    assertEquals(res.status, 400, q);
    const err = (await res.json()).error;
    assertEquals(err.type, "invalid_request_error");
    assert(err.message.includes("expected"), err.message);
  }
});

Deno.test("usage: history off → /v1/usage says so; nothing is written", async () => {
  const a = await appWithHistory("usage: { history: false }");
  await (await a.post("/v1/chat/completions", chat, { "x-api-key": "single-key-000" })).json();
  const res = await a.get("/v1/usage");
  assertEquals(res.status, 404);
  assertEquals((await res.json()).error.code, "usage_history_off");
  assertEquals([...Deno.readDirSync(a.dir)].length, 0);
});

Deno.test("codexgate usage: the table and --json read the same history", async () => {
  const a = await appWithHistory();
  for (const model of ["gpt-5.4", "gpt-5.4", "gpt-5.5"]) {
    await (await a.post("/v1/chat/completions", { ...chat, model }, {
      "x-api-key": "single-key-000",
    })).json();
  }
  await rowsWritten(join(a.dir, "usage.sqlite"), 3);
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const code = await runUsage(["--since", "7d", "--by", "model", "--data-dir", a.dir], {
    io,
    env: {},
    readTextFile: () => undefined,
  });
  assertEquals(code, 0, err.join("\n"));
  const table = out.join("\n");
  const lines = table.split("\n");
  const header = lines.find((l) => l.startsWith("model"))!;
  assert(header.includes("cache hit"), table);
  const row = lines.find((l) => l.startsWith("gpt-5.4 "))!.split(/\s+/);
  // model, requests, errors, input, cached, cache hit, output, reasoning
  assertEquals(row.slice(0, 8), ["gpt-5.4", "2", "0", "2000", "1600", "80.0%", "100", "20"]);
  assert(lines.some((l) => l.startsWith("total") && l.includes(" 3 ")), table);

  const json: string[] = [];
  await runUsage(["--by", "model", "--json", "--data-dir", a.dir], {
    io: { out: (l) => json.push(l), err: (l) => err.push(l) },
    env: {},
    readTextFile: () => undefined,
  });
  const parsed = JSON.parse(json.join("\n"));
  assertEquals(parsed.rows.map((r: { model: string; requests: number }) => [r.model, r.requests]), [
    ["gpt-5.4", 2],
    ["gpt-5.5", 1],
  ]);
});

Deno.test("codexgate usage: a bad --by is exit 2; no history yet is exit 1 naming the file", async () => {
  const err: string[] = [];
  const io = { out: () => {}, err: (l: string) => err.push(l) };
  assertEquals(await runUsage(["--by", "week"], { io, env: {}, readTextFile: () => undefined }), 2);
  assert(err[0].includes("day, model, account, dialect, client"), err[0]);
  const dir = await Deno.makeTempDir();
  assertEquals(
    await runUsage(["--data-dir", dir], { io, env: {}, readTextFile: () => undefined }),
    1,
  );
  assert(err[1].includes(join(dir, "usage.sqlite")), err[1]);
});
