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
  /** Text the last frames must contain for the stream to count as complete. */
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

const TAIL_CHARS = 4096;

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
  let tail: Uint8Array = new Uint8Array(0);
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
      // Count frame ends ("\n\n"), also across chunk boundaries.
      for (let j = value.indexOf(10); j !== -1; j = value.indexOf(10, j + 1)) {
        const at = bytes + j;
        if (at === lastLf + 1) {
          events++;
          lastLf = -2;
        } else lastLf = at;
      }
      bytes += value.length;
      tail = keepTail(tail, value);
    }
    const ttlb = performance.now() - t0;
    const tailText = new TextDecoder().decode(tail);
    let error: string | undefined;
    if (status !== 200) error = `HTTP ${status}: ${tailText.slice(0, 200)}`;
    else if (!tailText.includes(request.terminal)) {
      error = "stream ended without its terminal event";
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

function keepTail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length >= TAIL_CHARS) return chunk.slice(chunk.length - TAIL_CHARS);
  const keep = Math.min(tail.length, TAIL_CHARS - chunk.length);
  const out = new Uint8Array(keep + chunk.length);
  out.set(tail.subarray(tail.length - keep));
  out.set(chunk, keep);
  return out;
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
