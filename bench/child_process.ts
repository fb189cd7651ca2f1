/**
 * A subprocess under test: spawned, watched until a URL answers (that time
 * is its cold start), and stopped by its own PID (SIGTERM, then SIGKILL).
 *
 * @module
 */

/** A running subprocess. */
export interface Child {
  pid: number;
  /** `performance.now()` just before the spawn. */
  spawnedAt: number;
  /** Milliseconds from spawn to the first successful answer of the ready URL. */
  coldStartMs: number;
  /** The last few KiB of its stderr (and stdout). */
  output(): string;
  /** Stops it by PID and waits for it. */
  stop(): Promise<void>;
}

/** Options of {@link spawnChild}. */
export interface SpawnOptions {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Polled until it answers 2xx. */
  readyUrl: string;
  /** Gives up (and kills the process) after this long. */
  readyTimeoutMs?: number;
}

const KEEP = 16 * 1024;

/** Spawns and waits until `readyUrl` answers. */
export async function spawnChild(options: SpawnOptions): Promise<Child> {
  const t0 = performance.now();
  const process = new Deno.Command(options.command, {
    args: options.args,
    env: options.env,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      text = (text + decoder.decode(chunk)).slice(-KEEP);
    }
  };
  const drained = Promise.all([drain(process.stdout), drain(process.stderr)]);
  let exited = false;
  const status = process.status.then((s) => {
    exited = true;
    return s;
  });
  const stop = async () => {
    if (!exited) {
      try {
        process.kill("SIGTERM");
      } catch { /* already gone */ }
      const killer = setTimeout(() => {
        try {
          process.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 3000);
      await status;
      clearTimeout(killer);
    }
    await drained;
  };
  const deadline = t0 + (options.readyTimeoutMs ?? 20_000);
  while (!exited && performance.now() < deadline) {
    try {
      const res = await fetch(options.readyUrl);
      await res.body?.cancel();
      if (res.ok) {
        return {
          pid: process.pid,
          spawnedAt: t0,
          coldStartMs: performance.now() - t0,
          output: () => text,
          stop,
        };
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 2));
  }
  await stop();
  throw new Error(
    `${options.command} did not become ready at ${options.readyUrl}${
      exited ? " (it exited)" : ""
    }:\n${text.slice(-2000)}`,
  );
}

/** A free loopback port (released just before use). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
