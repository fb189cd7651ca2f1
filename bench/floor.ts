/**
 * The floor for any Deno proxy: the least a Deno chat translator can do.
 * `Deno.serve` → `fetch` to the backend → the text deltas re-serialised as
 * Chat Completions chunks, and nothing else (no config, no auth.json, no
 * validation, no log). codexgate is measured against it in every phase of
 * the bench. It lives here, not in src/: it is a yardstick, not a product.
 *
 * `deno run -A bench/floor.ts --port N`, with BENCH_UPSTREAM (the backend's
 * base URL), BENCH_ACCESS_TOKEN and BENCH_ACCOUNT_ID in the environment.
 *
 * @module
 */

const upstream = Deno.env.get("BENCH_UPSTREAM");
const token = Deno.env.get("BENCH_ACCESS_TOKEN");
const account = Deno.env.get("BENCH_ACCOUNT_ID");
const portFlag = Deno.args.indexOf("--port");
const port = portFlag === -1 ? 0 : Number(Deno.args[portFlag + 1]);
if (!upstream || !token || !account) {
  console.error("bench floor: set BENCH_UPSTREAM, BENCH_ACCESS_TOKEN and BENCH_ACCOUNT_ID");
  Deno.exit(2);
}
const backendHeaders = {
  "authorization": `Bearer ${token}`,
  "chatgpt-account-id": account,
  "accept": "text/event-stream",
  "content-type": "application/json",
};
const encoder = new TextEncoder();

interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
}

async function chat(request: Request): Promise<Response> {
  const body = await request.json() as ChatRequest;
  const answer = await fetch(`${upstream}/responses`, {
    method: "POST",
    headers: backendHeaders,
    body: JSON.stringify({
      model: body.model,
      instructions: "Bench instructions: answer briefly.",
      input: body.messages.map((m) => ({
        type: "message",
        role: m.role,
        content: [{ type: "input_text", text: m.content }],
      })),
      stream: true,
      store: false,
    }),
  });
  if (!answer.ok || !answer.body) return new Response(await answer.text(), { status: 502 });
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, string>, finish: string | null) =>
    `data: ${
      JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })
    }\n\n`;
  const decoder = new TextDecoder();
  let pending = "";
  const out = answer.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(chunk({ role: "assistant", content: "" }, null)));
      },
      transform(bytes, controller) {
        pending += decoder.decode(bytes, { stream: true });
        let text = "";
        let start = 0;
        for (let end = pending.indexOf("\n\n"); end !== -1; end = pending.indexOf("\n\n", start)) {
          const frame = pending.slice(start, end);
          start = end + 2;
          const data = frame.indexOf("data: ");
          if (data === -1) continue;
          const event = JSON.parse(frame.slice(data + 6));
          if (event.type === "response.output_text.delta") {
            text += chunk({ content: event.delta }, null);
          } else if (event.type === "response.completed") {
            text += `${chunk({}, "stop")}data: [DONE]\n\n`;
          }
        }
        pending = pending.slice(start);
        if (text) controller.enqueue(encoder.encode(text));
      },
    }),
  );
  return new Response(out, { headers: { "content-type": "text/event-stream" } });
}

Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (request) => {
  const path = new URL(request.url).pathname;
  if (path === "/health") return new Response("ok");
  if (path === "/v1/chat/completions" && request.method === "POST") return chat(request);
  return new Response("not found", { status: 404 });
});
