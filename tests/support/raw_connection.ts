/**
 * HTTP/1.1 over a bare TCP socket, for what `fetch` cannot do: leave in the
 * middle, send headers or a body slowly, send any Host header.
 *
 * @module
 */

/** One raw connection to a test server. */
export interface RawConnection extends AsyncDisposable {
  /** Writes text as is. */
  write(text: string): Promise<void>;
  /** Everything the server sent until it closed the connection (or `close()` was called). */
  readAll(): Promise<string>;
  /** What the server sent so far. */
  received(): string;
  /** Resolves once the server has closed its side. */
  closedByServer: Promise<void>;
  close(): void;
}

/** Opens a TCP connection to the host and port of `url`. */
export async function rawConnect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  let received = "";
  let closed = false;
  const decoder = new TextDecoder();
  const closedByServer = (async () => {
    const buf = new Uint8Array(16 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        received += decoder.decode(buf.subarray(0, n), { stream: true });
      }
    } catch { /* reset, or closed by us */ }
  })();
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch { /* already closed */ }
  };
  return {
    write: async (text) => {
      const bytes = new TextEncoder().encode(text);
      for (let written = 0; written < bytes.length;) {
        written += await conn.write(bytes.subarray(written));
      }
    },
    received: () => received,
    readAll: async () => {
      await closedByServer;
      return received;
    },
    closedByServer,
    close,
    [Symbol.asyncDispose]: async () => {
      close();
      await closedByServer;
    },
  };
}

/** The head of a POST with a JSON body (`content-length` set), ready to write. */
export function jsonPost(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): string {
  const text = JSON.stringify(body);
  const lines = {
    host: new URL(url).host,
    "content-type": "application/json",
    "content-length": String(new TextEncoder().encode(text).byteLength),
    ...headers,
  };
  return `POST ${path} HTTP/1.1\r\n${
    Object.entries(lines).map(([k, v]) => `${k}: ${v}\r\n`).join("")
  }\r\n${text}`;
}

/** The status code of a raw HTTP/1.1 answer, or undefined when there is none. */
export function statusOf(answer: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return match ? Number(match[1]) : undefined;
}
