/**
 * A client on a bare TCP socket, for tests about clients that leave: it can
 * stop in the middle of its own body or of the answer, and close the
 * connection exactly then.
 *
 * @module
 */

/** An HTTP/1.1 exchange on its own connection. */
export interface RawExchange {
  /** Reads until the received bytes contain `marker`; returns everything read so far. */
  readUntil(marker: string): Promise<string>;
  /** Closes the connection (the client goes away). */
  close(): void;
}

/**
 * Opens a connection to `url` and sends a POST of `body` to `path`. With
 * `sendBytes`, only that many bytes of the body go out (the declared length
 * stays the whole body's).
 */
export async function rawPost(
  url: string,
  path: string,
  body: string,
  options: { sendBytes?: number; headers?: Record<string, string> } = {},
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const bytes = new TextEncoder().encode(body);
  const head = [
    `POST ${path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    "content-type: application/json",
    `content-length: ${bytes.byteLength}`,
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ].join("\r\n");
  await writeAll(conn, new TextEncoder().encode(head));
  await writeAll(conn, bytes.subarray(0, options.sendBytes ?? bytes.byteLength));
  const decoder = new TextDecoder();
  let received = "";
  let closed = false;
  return {
    async readUntil(marker) {
      const buffer = new Uint8Array(16 * 1024);
      while (!received.includes(marker)) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error(`connection ended before ${JSON.stringify(marker)}`);
        received += decoder.decode(buffer.subarray(0, n), { stream: true });
      }
      return received;
    },
    close() {
      if (closed) return;
      closed = true;
      conn.close();
    },
  };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await conn.write(bytes.subarray(written));
}
