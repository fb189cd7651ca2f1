/**
 * `GET /v1/responses` upgraded to a WebSocket, on a real socket in front of
 * the fake backend (docs/websocket-and-compaction.md#websocket): turns run
 * the HTTP pipeline, `previous_response_id` continues from codexgate's store,
 * errors come as error frames, the key and Origin checks hold, and the idle,
 * age and client-gone ends are enforced.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { replies } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startProxy } from "../support/harness.ts";
import { openTestSocket, rawUpgrade } from "../support/ws_client.ts";
import { MODES, userItem } from "../responses/support.ts";

const create = (input: unknown[], extra: Record<string, unknown> = {}) => ({
  type: "response.create",
  model: "gpt-5.4",
  input,
  store: false,
  ...extra,
});

function completedResponse(frames: Record<string, unknown>[]): Record<string, unknown> {
  const last = frames.at(-1)!;
  assertEquals(last.type, "response.completed", JSON.stringify(last));
  return last.response as Record<string, unknown>;
}

function outputText(response: Record<string, unknown>): string {
  return (response.output as { type: string; content?: { text?: string }[] }[])
    .filter((i) => i.type === "message")
    .flatMap((i) => i.content ?? []).map((c) => c.text ?? "").join("");
}

for (const mode of MODES) {
  Deno.test(`websocket (${mode.name}): turns stream as frames; the next turn sends previous_response_id and only its new input`, async () => {
    await using proxy = await startProxy({ configYaml: mode.config });
    const socket = await openTestSocket(proxy.url);
    try {
      socket.send(create([userItem("first question")]));
      const first = await socket.turn();
      assertEquals(first[0].type, "response.created");
      assert(first.some((f) => f.type === "response.output_text.delta"));
      const firstResponse = completedResponse(first);
      assertEquals(outputText(firstResponse), "Echo: first question");

      // As the Codex CLI does: store false, previous_response_id, only the new item.
      socket.send(create([userItem("second question")], {
        previous_response_id: firstResponse.id,
      }));
      assertEquals(outputText(completedResponse(await socket.turn())), "Echo: second question");

      assertEquals(proxy.fake.calls.length, 2);
      const sent = proxy.fake.calls[1].body!.input as Record<string, unknown>[];
      const texts = sent.filter((i) => i.type === "message")
        .map((i) => (i.content as { text: string }[]).map((c) => c.text).join(""));
      assertEquals(texts.slice(-3), ["first question", "Echo: first question", "second question"]);
      // Still HTTP upstream, streaming, nothing stored there.
      assertEquals(proxy.fake.calls[1].body!.store, false);
    } finally {
      socket.close();
    }
    // Each turn has its own request log line, tied to the socket's.
    await socket.closed;
    const turnLines = proxy.logs.filter((l) => l.includes('"msg":"websocket turn"'));
    assertEquals(turnLines.length, 2);
  });
}

Deno.test("websocket: a warm-up (generate: false) is answered without the backend; the next turn continues from it", async () => {
  await using proxy = await startProxy();
  const socket = await openTestSocket(proxy.url);
  try {
    socket.send(create([userItem("context only")], { generate: false }));
    const warm = await socket.turn();
    const warmResponse = completedResponse(warm);
    assertEquals(warmResponse.output, []);
    assertEquals(proxy.fake.calls.length, 0);

    socket.send(create([userItem("now answer")], { previous_response_id: warmResponse.id }));
    assertEquals(outputText(completedResponse(await socket.turn())), "Echo: now answer");
    const sent = proxy.fake.calls[0].body!.input as Record<string, unknown>[];
    const texts = sent.filter((i) => i.type === "message" && i.role === "user")
      .map((i) => (i.content as { text: string }[])[0].text);
    assertEquals(texts, ["context only", "now answer"]);
  } finally {
    socket.close();
  }
});

Deno.test("websocket: an HTTP error becomes an error frame with its status; the socket keeps serving", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue(replies.usageLimit(120));
  const socket = await openTestSocket(proxy.url);
  try {
    socket.send(create([userItem("hi")]));
    const [error] = await socket.turn();
    assertEquals(error.type, "error");
    assertEquals(error.status, 429);
    assertEquals((error.error as Record<string, unknown>).code, "usage_limit_reached");
    assertMatch(String((error.headers as Record<string, string>)["x-request-id"]), /\S/);

    socket.send(create([userItem("again")], { previous_response_id: "resp_unknown" }));
    const [missing] = await socket.turn();
    assertEquals(missing.status, 404);
    assertEquals((missing.error as Record<string, unknown>).code, "previous_response_not_found");

    socket.send(create([userItem("and now")]));
    assertEquals(outputText(completedResponse(await socket.turn())), "Echo: and now");
  } finally {
    socket.close();
  }
});

Deno.test("websocket: a frame that is not JSON, or not response.create, gets a 400 error frame", async () => {
  await using proxy = await startProxy();
  const socket = await openTestSocket(proxy.url);
  try {
    socket.send("{not json");
    const bad = await socket.next();
    assertEquals([bad.type, bad.status], ["error", 400]);
    assertEquals((bad.error as Record<string, unknown>).code, "invalid_json");
    socket.send({ type: "session.update" });
    const unknown = await socket.next();
    assertEquals((unknown.error as Record<string, unknown>).code, "unknown_frame_type");
    assertEquals(proxy.fake.calls.length, 0);
  } finally {
    socket.close();
  }
});

Deno.test("websocket: the upgrade needs server.api_key like HTTP, and every turn is checked with it", async () => {
  await using proxy = await startProxy({ configYaml: "server:\n  api_key: sekret-key\n" });
  assertMatch(await rawUpgrade(proxy.url, {}), /^HTTP\/1\.1 401/);
  assertMatch(
    await rawUpgrade(proxy.url, { authorization: "Bearer wrong" }),
    /^HTTP\/1\.1 401/,
  );
  const socket = await openTestSocket(proxy.url, { authorization: "Bearer sekret-key" });
  try {
    socket.send(create([userItem("hi")]));
    assertEquals(outputText(completedResponse(await socket.turn())), "Echo: hi");
  } finally {
    socket.close();
  }
  // The client's key never reaches the backend.
  assert(!JSON.stringify(proxy.fake.calls[0].headers).includes("sekret-key"));
});

Deno.test("websocket: a cross-site Origin is refused (CORS does not protect sockets); a listed one is accepted", async () => {
  await using closed = await startProxy();
  const refused = await rawUpgrade(closed.url, { origin: "https://evil.example" });
  assertMatch(refused, /^HTTP\/1\.1 403/);
  assertStringIncludes(refused.toLowerCase(), "content-type: application/json");
  assertEquals(closed.fake.calls.length, 0);

  await using open = await startProxy({
    configYaml: 'server:\n  cors_origins: ["https://app.example"]\n',
  });
  assertMatch(await rawUpgrade(open.url, { origin: "https://evil.example" }), /^HTTP\/1\.1 403/);
  const socket = await openTestSocket(open.url, { origin: "https://app.example" });
  try {
    socket.send(create([userItem("hi")]));
    assertEquals(outputText(completedResponse(await socket.turn())), "Echo: hi");
  } finally {
    socket.close();
  }
});

Deno.test("websocket: an idle socket is closed after websocket_idle_timeout_seconds", async () => {
  await using proxy = await startProxy({
    configYaml: "server:\n  websocket_idle_timeout_seconds: 0.3\n",
  });
  const socket = await openTestSocket(proxy.url);
  socket.send(create([userItem("hi")]));
  await socket.turn();
  assertEquals(await socket.closed, { code: 1000, reason: "idle timeout" });
});

Deno.test("websocket: at websocket_max_age_seconds a running turn finishes, then the socket closes", async () => {
  await using proxy = await startProxy({
    configYaml: "server:\n  websocket_max_age_seconds: 0.5\n",
  });
  // A turn slower than the age limit: it is not cut.
  proxy.fake.enqueue({
    kind: "events",
    events: new ScriptBuilder().text("slow answer", { chunks: 4 }).completed(),
    delayMs: 250,
  });
  const socket = await openTestSocket(proxy.url);
  socket.send(create([userItem("hi")]));
  assertEquals(outputText(completedResponse(await socket.turn())), "slow answer");
  assertEquals(await socket.closed, { code: 1000, reason: "connection limit reached" });
});

Deno.test("websocket: a client that leaves mid-turn ends its upstream request", async () => {
  await using proxy = await startProxy();
  proxy.fake.enqueue({ kind: "hang" });
  const socket = await openTestSocket(proxy.url);
  socket.send(create([userItem("hi")]));
  const deadline = Date.now() + 20_000;
  while (proxy.fake.calls.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assertEquals(proxy.fake.calls.length, 1);
  socket.close();
  await socket.closed;
  // The fake's request ends when codexgate drops it; bounded so a failure does not hang.
  const ended = await Promise.race([
    proxy.fake.calls[0].closed.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 20_000)),
  ]);
  assert(ended, "the upstream request stayed open after the client left");
  const closedLine = proxy.logs.find((l) => l.includes('"msg":"websocket closed"'));
  assert(closedLine);
});

Deno.test("websocket: a malformed upgrade (no Sec-WebSocket-Key) is a 400 in OpenAI's shape, not a 500", async () => {
  await using proxy = await startProxy();
  const answer = await rawUpgrade(proxy.url, {}, { withKey: false });
  assertMatch(answer, /^HTTP\/1\.1 400/);
});

Deno.test("websocket: the Codex CLI's compaction_trigger goes up untouched and its compaction comes back as a frame", async () => {
  await using proxy = await startProxy();
  const socket = await openTestSocket(proxy.url);
  try {
    socket.send(create([userItem("long history"), { type: "compaction_trigger" }]));
    const response = completedResponse(await socket.turn());
    const output = response.output as Record<string, unknown>[];
    assertEquals(output.map((i) => i.type), ["compaction"]);
    const sent = proxy.fake.calls[0].body!.input as Record<string, unknown>[];
    assertEquals(sent.at(-1), { type: "compaction_trigger" });
  } finally {
    socket.close();
  }
});
