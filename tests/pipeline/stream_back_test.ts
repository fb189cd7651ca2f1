import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { mergeCapabilityLayers } from "../../src/capabilities/merge_capability_layers.ts";
import type { Frontend } from "../../src/dialects/frontend.ts";
import type { ProxyError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import type { UpstreamAnswer } from "../../src/pipeline/forward.ts";
import { streamBack, type StreamBackOptions } from "../../src/pipeline/stream_back.ts";
import { messageText } from "../../src/upstream/response_accumulator.ts";
import {
  contextOverflowEvents,
  type FakeEvent,
  ScriptBuilder,
  toSse,
} from "../support/fake_script.ts";
import { IN_PROCESS_CREDENTIALS } from "../support/in_process.ts";
import { canonical, testBackend } from "./stage_fixtures.ts";

/** A frontend that writes one line per event and records its hooks. */
function lineFrontend(seen: { finished: string[]; accumulatorDone: boolean[] }): Frontend {
  return {
    dialect: "chat",
    path: "/test",
    effortParam: "effort",
    parse: () => canonical(),
    streamMapper: (_context, accumulated) => ({
      map: (event) => {
        if (event.type === "response.completed") seen.accumulatorDone.push(accumulated.finished);
        return `${event.type}\n`;
      },
      end: () => "END\n",
    }),
    render: (result) => ({ id: result.id, text: result.output.map(messageText).join("") }),
    errorBody: (error) => ({ code: error.code }),
    streamError: (error) => `ERROR ${error.code}\n`,
    onFinish: (result) => {
      seen.finished.push(result.id);
      return Promise.resolve();
    },
  };
}

function answer(events: FakeEvent[], cutAfter?: number): UpstreamAnswer {
  const sse = toSse(cutAfter === undefined ? events : events.slice(0, cutAfter));
  return {
    response: new Response(sse),
    credentials: IN_PROCESS_CREDENTIALS,
    quotaHeaders: { "x-codex-primary-used-percent": "5" },
  };
}

function options(
  frontend: Frontend,
  stream: boolean,
  finished: (string | null | undefined)[],
): StreamBackOptions {
  return {
    frontend,
    request: canonical({ stream }),
    upstream: { body: {} as never, conversationId: "c", requestId: "r" },
    capabilities: mergeCapabilityLayers({}),
    backend: testBackend(),
    reactorRules: [],
    requestId: "req-1",
    now: () => 1_700_000_000_000,
    logger: createLogger("error"),
    onFinish: (_result, error) => finished.push(error?.code),
  };
}

Deno.test("streamBack() renders a non-streaming answer from the one accumulator", async () => {
  const seen = { finished: [] as string[], accumulatorDone: [] as boolean[] };
  const finished: (string | null | undefined)[] = [];
  const script = new ScriptBuilder({ responseId: "resp_1" }).text("Hello there");
  const res = await streamBack(
    answer(script.completed()),
    options(lineFrontend(seen), false, finished),
  );
  assertEquals(await res.json(), { id: "resp_1", text: "Hello there" });
  assertEquals(res.headers.get("x-request-id"), "req-1");
  assertEquals(res.headers.get("x-codex-primary-used-percent"), "5");
  assertEquals(finished, [undefined]);
  assertEquals(seen.finished, ["resp_1"]);
});

Deno.test("streamBack() streams every event through the mapper, which reads the loop's accumulator", async () => {
  const seen = { finished: [] as string[], accumulatorDone: [] as boolean[] };
  const finished: (string | null | undefined)[] = [];
  const events = new ScriptBuilder({ responseId: "resp_2" }).text("Hi").completed();
  const res = await streamBack(answer(events), options(lineFrontend(seen), true, finished));
  assertEquals(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const lines = (await res.text()).trim().split("\n");
  assertEquals(lines, [...events.map((e) => e.type), "END"]);
  // The loop fed the terminal event to the accumulator before the mapper saw it.
  assertEquals(seen.accumulatorDone, [true]);
  assertEquals(finished, [undefined]);
  assertEquals(seen.finished, ["resp_2"]);
});

Deno.test("streamBack(): a cut mid-answer reaches onFinish with its error, streaming or not", async () => {
  const events = new ScriptBuilder().text("Hello there, a long answer", { chunks: 5 }).completed();
  for (const stream of [false, true]) {
    const seen = { finished: [] as string[], accumulatorDone: [] as boolean[] };
    const finished: (string | null | undefined)[] = [];
    const run = () => streamBack(answer(events, 5), options(lineFrontend(seen), stream, finished));
    if (stream) {
      const text = await (await run()).text();
      assert(text.endsWith("ERROR upstream_stream_cut\n"), text);
    } else {
      const error = await assertRejects(run) as ProxyError;
      assertEquals([error.status, error.code], [502, "upstream_stream_cut"]);
    }
    assertEquals(finished, ["upstream_stream_cut"], `stream: ${stream}`);
    assertEquals(seen.finished, [], "no finish hook for a failed answer");
  }
});

Deno.test("streamBack(): a failure before any output is thrown, so the client gets its real status", async () => {
  for (const stream of [false, true]) {
    const seen = { finished: [] as string[], accumulatorDone: [] as boolean[] };
    const error = await assertRejects(() =>
      streamBack(answer(contextOverflowEvents()), options(lineFrontend(seen), stream, []))
    ) as ProxyError;
    assertEquals([error.status, error.code], [400, "context_length_exceeded"]);
  }
});
