/**
 * The load client: one streaming POST measured end to end (time to first
 * body byte, time to last byte, bytes, SSE events, whether the stream ended
 * with its terminal event), and a bounded runner for many of them.
 *
 * @module
 */

/** One request to send. */
export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Text the last frame must start with for the stream to count as complete. */
  terminal: string;
  /** Fewer events than this is an error (a truncated stream). */
  minEvents: number;
}

/** What one request measured. Times in milliseconds from just before `fetch`. */
export interface StreamResult {
  ok: boolean;
  status: number;
  ttfbMs: number;
  ttlbMs: number;
  bytes: number;
  events: number;
  error?: string;
}

/** Bytes kept from the start of each frame: enough for `event: response.completed`. */
const HEAD_BYTES = 48;
/** Bytes kept from the start of the body, for error messages. */
const FIRST_BYTES = 300;

/** Sends one request and reads the whole answer. Never throws. */
export async function runStream(request: StreamRequest, client?: Deno.HttpClient): Promise<
  StreamResult
> {
  const t0 = performance.now();
  let ttfb = -1;
  let bytes = 0;
  let events = 0;
  let status = 0;
  // Absolute offset of the last LF not yet paired into a frame end.
  let lastLf = -2;
  // The head of the frame being read and of the last complete frame (swapped, not reallocated).
  let head = new Uint8Array(HEAD_BYTES);
  let headLen = 0;
  let lastHead = new Uint8Array(HEAD_BYTES);
  let lastHeadLen = 0;
  const first = new Uint8Array(FIRST_BYTES);
  let firstLen = 0;
  const fillHead = (chunk: Uint8Array, from: number, to: number) => {
    const n = Math.min(HEAD_BYTES - headLen, to - from);
    if (n > 0) {
      head.set(chunk.subarray(from, from + n), headLen);
      headLen += n;
    }
  };
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      client,
    });
    status = response.status;
    const reader = response.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (value.length === 0) continue;
      if (ttfb < 0) ttfb = performance.now() - t0;
      if (firstLen < FIRST_BYTES) {
        const n = Math.min(FIRST_BYTES - firstLen, value.length);
        first.set(value.subarray(0, n), firstLen);
        firstLen += n;
      }
      // Count frame ends ("\n\n"), also across chunk boundaries, keeping each frame's head.
      let frameStart = 0;
      for (let j = value.indexOf(10); j !== -1; j = value.indexOf(10, j + 1)) {
        const at = bytes + j;
        if (at === lastLf + 1) {
          events++;
          lastLf = -2;
          fillHead(value, frameStart, j + 1);
          [head, lastHead] = [lastHead, head];
          lastHeadLen = headLen;
          headLen = 0;
          frameStart = j + 1;
        } else lastLf = at;
      }
      fillHead(value, frameStart, value.length);
      bytes += value.length;
    }
    const ttlb = performance.now() - t0;
    const decoder = new TextDecoder();
    let error: string | undefined;
    if (status !== 200) {
      error = `HTTP ${status}: ${decoder.decode(first.subarray(0, firstLen))}`;
    } else if (!decoder.decode(lastHead.subarray(0, lastHeadLen)).startsWith(request.terminal)) {
      error = `stream did not end with ${request.terminal}`;
    } else if (events < request.minEvents) error = `only ${events} events`;
    return { ok: error === undefined, status, ttfbMs: ttfb, ttlbMs: ttlb, bytes, events, error };
  } catch (err) {
    return {
      ok: false,
      status,
      ttfbMs: ttfb,
      ttlbMs: performance.now() - t0,
      bytes,
      events,
      error: (err as Error).message,
    };
  }
}

/**
 * Runs `count` requests with at most `concurrency` in flight; results in
 * start order. `make(i)` builds request i.
 */
export async function runMany(
  count: number,
  concurrency: number,
  make: (i: number) => StreamRequest,
  client?: Deno.HttpClient,
): Promise<StreamResult[]> {
  const results: StreamResult[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await runStream(make(i), client);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
