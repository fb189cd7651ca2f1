import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startFakeCodex } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startMain } from "../support/run_main.ts";
import { openTestSocket } from "../support/ws_client.ts";
import {
  chatStreamContent,
  settlesWithin,
  signedInHome,
  startCountingStream,
  waitFor,
} from "./ops_helpers.ts";

Deno.test("shutdown: SIGTERM during a stream lets it finish, refuses new work, exits 0", async () => {
  await using fake = await startFakeCodex();
  await using signedIn = await signedInHome(fake);
  const { env, home, tokens } = signedIn;
  await using main = await startMain([], { env, cwd: home });
  const { response: res, words } = await startCountingStream(main.url, fake, {
    count: 8,
    delayMs: 120,
  });
  assertEquals(res.status, 200);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = dec.decode((await reader.read()).value);
  main.process.kill("SIGTERM");
  await waitFor(() => main.stderr().includes("shutting down"));
  // While the stream still runs, no new work is taken.
  const during = await fetch(`${main.url}/health`).then(
    (r) => r.body?.cancel().then(() => "answered"),
    () => "refused",
  );
  assertEquals(during, "refused");
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value, { stream: true });
  }
  assertEquals(chatStreamContent(text), words.join(""));
  assert(text.trimEnd().endsWith("data: [DONE]"), "the stream completed");
  assert(await settlesWithin(main.process.status, 10_000), "the process exited");
  const status = await main.process.status;
  assertEquals(status.code, 0);
  // Nothing listens any more.
  const after = await fetch(`${main.url}/health`).then(() => "answered", () => "refused");
  assertEquals(after, "refused");
  assertStringIncludes(main.stderr(), "shutting down");
  assertStringIncludes(main.stderr(), '"msg":"request"');
  for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
    assert(!main.stderr().includes(secret), "no token in the server's log");
  }
});

Deno.test("shutdown: a stream longer than shutdown_grace_seconds is cut, exit 0", async () => {
  await using fake = await startFakeCodex();
  await using signedIn = await signedInHome(fake);
  const { env, home } = signedIn;
  await Deno.writeTextFile(join(home, "config.yaml"), "server:\n  shutdown_grace_seconds: 0.5\n");
  await using main = await startMain([], { env, cwd: home });
  fake.enqueue({ kind: "hang" });
  // The backend never answers: the request would run for the whole backend timeout.
  const pending = fetch(`${main.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
  }).then((r) => r.status, () => "cut");
  await waitFor(() => fake.calls.length === 1);
  const started = performance.now();
  main.process.kill("SIGTERM");
  assert(await settlesWithin(main.process.status, 10_000), "the process exited");
  assertEquals((await main.process.status).code, 0);
  assert(performance.now() - started < 8000, "exited soon after the grace period");
  assertEquals(await pending, "cut");
  assertStringIncludes(main.stderr(), "grace period over");
});

Deno.test("shutdown: SIGTERM closes an idle WebSocket (1001) at once and lets a busy one finish its turn first", async () => {
  await using fake = await startFakeCodex();
  await using signedIn = await signedInHome(fake);
  const { env, home } = signedIn;
  await using main = await startMain([], { env, cwd: home });
  const idle = await openTestSocket(main.url);
  const busy = await openTestSocket(main.url);
  fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("still answered", { chunks: 5 }).completed(),
    delayMs: 200,
  });
  busy.send({
    type: "response.create",
    model: "gpt-5.4",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  });
  await busy.next((f) => f.type === "response.created");
  const started = performance.now();
  main.process.kill("SIGTERM");
  assertEquals(await idle.closed, { code: 1001, reason: "server shutting down" });
  // While the busy socket drains, the listener still accepts: new requests get a 503.
  const during = await fetch(`${main.url}/v1/models`);
  assertEquals(during.status, 503);
  assertEquals(during.headers.get("retry-after"), "1");
  assertEquals((await during.json()).error.code, "server_shutting_down");
  const frames = await busy.turn();
  assertEquals(frames.at(-1)?.type, "response.completed", "the running turn finished");
  assertEquals(await busy.closed, { code: 1001, reason: "server shutting down" });
  assert(await settlesWithin(main.process.status, 10_000), "the process exited");
  assertEquals((await main.process.status).code, 0);
  // Well inside the 30 s grace period: nothing waited for an idle socket.
  assert(performance.now() - started < 10_000, "exited without waiting out the grace period");
});
