import { assertEquals, assertRejects } from "../support/assert.ts";
import type { Frontend } from "../../src/dialects/frontend.ts";
import { chatCompletionsFrontend } from "../../src/dialects/chat_completions/frontend.ts";
import type { ProxyError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { receiveRequest } from "../../src/pipeline/receive_request.ts";
import { readJsonBody } from "../../src/http/read_json_body.ts";
import { RequestBody } from "../../src/http/request_body.ts";

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://codexgate.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Receives one request, its JSON body read as the app reads it (bounded). */
const receive = (request: Request, frontend: Frontend, logs: string[] = []) =>
  receiveRequest(request, {
    frontend,
    readJson: () =>
      readJsonBody(request, new RequestBody(request.body!, { idleMs: 5000, totalMs: 5000 }), {
        limitBytes: 1024 * 1024,
        maxDepth: 128,
      }),
    logger: createLogger("debug", (line) => logs.push(line)),
    requestId: "req-1",
  });

Deno.test("receiveRequest() takes the overrides out of the body before the frontend parses it", async () => {
  const parsedBodies: Record<string, unknown>[] = [];
  const frontend: Frontend = {
    ...chatCompletionsFrontend,
    parse: (body, headers) => {
      parsedBodies.push(structuredClone(body));
      return chatCompletionsFrontend.parse(body, headers);
    },
  };
  const incoming = await receive(
    post(
      {
        model: "gpt-5.4",
        messages: [{ role: "user", content: "hi" }],
        codex_capabilities: { prompt_mode: "custom_only" },
        extra_body: { codex_environment: { cwd: "/repo" } },
      },
      { "x-codex-capabilities": '{"tool_text_format":"xml"}' },
    ),
    frontend,
  );
  assertEquals(incoming.capabilities, { prompt_mode: "custom_only", tool_text_format: "xml" });
  assertEquals(incoming.environment, { cwd: "/repo" });
  assertEquals(parsedBodies, [{ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }]);
  assertEquals(incoming.request.model, "gpt-5.4");
});

Deno.test("receiveRequest() runs the frontend's expandInput hook and logs dropped parameters", async () => {
  const logs: string[] = [];
  const frontend: Frontend = {
    ...chatCompletionsFrontend,
    expandInput: (request) => {
      request.input = [...request.input, ...request.input];
      return Promise.resolve();
    },
  };
  const incoming = await receive(
    post({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }], temperature: 0.2 }),
    frontend,
    logs,
  );
  assertEquals(incoming.request.input.length, 2);
  const dropped = logs.map((l) => JSON.parse(l)).find((l) => l.msg === "dropped parameters");
  assertEquals(dropped?.dropped, ["temperature"]);
});

Deno.test("receiveRequest() refuses a bad override with a 400 naming it", async () => {
  const error = await assertRejects(() =>
    receive(
      post({ model: "gpt-5.4", messages: [], codex_capabilities: { prompt_mode: "loud" } }),
      chatCompletionsFrontend,
    )
  ) as ProxyError;
  assertEquals([error.status, error.code, error.param], [
    400,
    "invalid_capabilities",
    "codex_capabilities.prompt_mode",
  ]);
});
