/**
 * The bench upstream: a fast fake Codex backend on 127.0.0.1. It checks the
 * bearer and account id like the backend does, serves a one-model catalog,
 * and streams the scenario named in the request body (see scenario.ts) from
 * pre-encoded bytes, so it costs next to nothing per event.
 *
 * Run as a subprocess: `deno run -A bench/upstream.ts --port 0`, with
 * BENCH_ACCESS_TOKEN and BENCH_ACCOUNT_ID in the environment. It prints one
 * JSON line `{"port":N}` when listening and exits on SIGTERM.
 *
 * @module
 */
import { buildFrames, parseScenario, type Scenario } from "./scenario.ts";

/** Pre-encoded answer of one scenario. */
interface Encoded {
  /** Head frames in one buffer (written at once). */
  head: Uint8Array;
  /** One buffer per delta frame. */
  deltas: Uint8Array[];
  tail: Uint8Array;
  /** The whole answer cut into large chunks (flood mode). */
  chunks: Uint8Array[];
}

const FLOOD_CHUNK = 64 * 1024;
const CACHE_LIMIT = 16;

/** Options of {@link startUpstream}. */
export interface UpstreamOptions {
  port: number;
  accessToken: string;
  accountId: string;
}

/** Starts the server; resolves with its port once listening. */
export async function startUpstream(
  options: UpstreamOptions,
): Promise<{ port: number; server: Deno.HttpServer }> {
  const cache = new Map<string, Encoded>();
  const encoder = new TextEncoder();
  const encoded = (s: Scenario): Encoded => {
    const key = `${s.deltas}/${s.deltaBytes}`;
    let hit = cache.get(key);
    if (!hit) {
      const frames = buildFrames(s);
      const whole = encoder.encode([...frames.head, ...frames.deltas, ...frames.tail].join(""));
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < whole.length; i += FLOOD_CHUNK) {
        chunks.push(whole.subarray(i, i + FLOOD_CHUNK));
      }
      hit = {
        head: encoder.encode(frames.head.join("")),
        deltas: frames.deltas.map((f) => encoder.encode(f)),
        tail: encoder.encode(frames.tail.join("")),
        chunks,
      };
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(key, hit);
    }
    return hit;
  };

  const json = (status: number, body: unknown) => Response.json(body, { status });
  const catalog = {
    models: [{
      slug: "gpt-5.4",
      display_name: "gpt-5.4",
      default_reasoning_level: "medium",
      supported_reasoning_levels: [{ effort: "medium", description: "medium" }],
      visibility: "list",
      supported_in_api: true,
      priority: 1,
      context_window: 272000,
      base_instructions: "Bench instructions: answer briefly.",
    }],
  };

  const authorized = (request: Request) =>
    request.headers.get("authorization") === `Bearer ${options.accessToken}` &&
    request.headers.get("chatgpt-account-id") === options.accountId;

  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === "/health") return new Response("ok");
    if (path === "/backend-api/codex/models" && request.method === "GET") {
      if (!authorized(request)) return json(401, { error: { code: "token_expired" } });
      return json(200, catalog);
    }
    if (path !== "/backend-api/codex/responses" || request.method !== "POST") {
      return json(404, { detail: "Not Found" });
    }
    const raw = await request.text();
    if (!authorized(request)) {
      return json(401, {
        error: { message: "bad token", type: "invalid_request_error", code: "token_expired" },
      });
    }
    if (request.headers.get("accept") !== "text/event-stream") {
      return json(400, { detail: "Accept must be text/event-stream" });
    }
    const scenario = parseScenario(raw);
    if (!scenario) return json(400, { detail: "no bench scenario in the request body" });
    return new Response(answer(encoded(scenario), scenario), {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  };

  const { promise, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port,
    onListen: (addr) => resolve(addr.port),
  }, handler);
  return { port: await promise, server };
}

/** The answer body: chunked (flood), per event, or per event with a delay. */
function answer(enc: Encoded, scenario: Scenario): ReadableStream<Uint8Array> {
  let step = 0;
  let cancelled = false;
  if (scenario.flood && scenario.delayMs === 0) {
    return new ReadableStream({
      pull(controller) {
        controller.enqueue(enc.chunks[step++]);
        if (step === enc.chunks.length) controller.close();
      },
    }, { highWaterMark: 0 });
  }
  // Writes: head, each delta, tail.
  const total = enc.deltas.length + 2;
  return new ReadableStream({
    async pull(controller) {
      if (step > 0 && step < total && scenario.delayMs > 0) {
        await new Promise((r) => setTimeout(r, scenario.delayMs));
        if (cancelled) return;
      }
      const i = step++;
      controller.enqueue(i === 0 ? enc.head : i === total - 1 ? enc.tail : enc.deltas[i - 1]);
      if (step === total) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
}

if (import.meta.main) {
  const portFlag = Deno.args.indexOf("--port");
  const port = portFlag === -1 ? 0 : Number(Deno.args[portFlag + 1]);
  const accessToken = Deno.env.get("BENCH_ACCESS_TOKEN");
  const accountId = Deno.env.get("BENCH_ACCOUNT_ID");
  if (!accessToken || !accountId) {
    console.error("bench upstream: set BENCH_ACCESS_TOKEN and BENCH_ACCOUNT_ID");
    Deno.exit(2);
  }
  const { port: bound, server } = await startUpstream({ port, accessToken, accountId });
  Deno.addSignalListener("SIGTERM", () => server.shutdown());
  console.log(JSON.stringify({ port: bound }));
  await server.finished;
}
