/**
 * A WebSocket client for the Responses socket tests: sends frames, collects
 * what comes back, and waits (bounded) for a frame or the close.
 *
 * @module
 */

/** One open socket and what it received. */
export interface TestSocket {
  /** Every frame received, parsed. */
  frames: Record<string, unknown>[];
  send(frame: unknown): void;
  /** Waits for the next received frame matching `predicate` (after the ones already taken). */
  next(predicate?: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** The frames of one turn: up to and including its `response.completed`/`failed` or `error`. */
  turn(): Promise<Record<string, unknown>[]>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

const WAIT_MS = 20_000;
const TURN_ENDS = new Set([
  "response.completed",
  "response.failed",
  "response.incomplete",
  "error",
]);

/** Opens `ws(s)://…/v1/responses` on `baseUrl`, with extra upgrade headers. */
export async function openTestSocket(
  baseUrl: string,
  headers: Record<string, string> = {},
  path = "/v1/responses",
): Promise<TestSocket> {
  const init: { headers: Record<string, string> } = { headers };
  // Deno's WebSocket takes upgrade headers as a second argument.
  const ws = new WebSocket(baseUrl.replace(/^http/, "ws") + path, init as unknown as string[]);
  const frames: Record<string, unknown>[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  const { promise: closed, resolve: onClosed } = Promise.withResolvers<
    { code: number; reason: string }
  >();
  ws.onmessage = (e) => {
    frames.push(JSON.parse(String(e.data)));
    wake?.();
  };
  ws.onclose = (e) => {
    onClosed({ code: e.code, reason: e.reason });
    wake?.();
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = (e) => reject(new Error(`upgrade failed: ${(e as ErrorEvent).message}`));
  });
  let isClosed = false;
  closed.then(() => (isClosed = true));
  const next = async (predicate: (f: Record<string, unknown>) => boolean = () => true) => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      while (taken < frames.length) {
        const frame = frames[taken++];
        if (predicate(frame)) return frame;
      }
      if (isClosed) throw new Error("socket closed while waiting for a frame");
      if (Date.now() > deadline) throw new Error("no frame within the wait");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  return {
    frames,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    next,
    async turn() {
      const out: Record<string, unknown>[] = [];
      for (;;) {
        const frame = await next();
        out.push(frame);
        if (TURN_ENDS.has(String(frame.type))) return out;
      }
    },
    closed,
    close: () => ws.close(),
  };
}

/** Sends a raw upgrade request and returns the status line and headers the server answered. */
export async function rawUpgrade(
  baseUrl: string,
  headers: Record<string, string>,
  options: { withKey?: boolean } = {},
): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const head = [
    "GET /v1/responses HTTP/1.1",
    `host: ${hostname}:${port}`,
    "upgrade: websocket",
    "connection: Upgrade",
    ...(options.withKey === false ? [] : ["sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ=="]),
    "sec-websocket-version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(head));
  const buffer = new Uint8Array(8192);
  let text = "";
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  conn.close();
  return text;
}
