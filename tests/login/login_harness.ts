/**
 * Runs `codexgate login` in-process against the fake issuer, in a
 * throwaway CODEX_HOME, capturing what it prints; the test waits for the
 * lines it needs (the authorize URL, the device code) and plays the person.
 *
 * @module
 */
import { join } from "node:path";
import { type LoginOptions, runLogin } from "../../src/cli/login.ts";
import { freePort } from "../support/run_main.ts";

/** A throwaway Codex home at `path`; removed on dispose. */
export async function tempHome(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "codexgate-login-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Env naming only `home` (never the developer's own ~/.codex). */
export function homeEnv(home: string): Record<string, string> {
  return { HOME: home, USERPROFILE: home, CODEX_HOME: home };
}

/** Two distinct free loopback ports (for 1455 and 1457). */
export function twoFreePorts(): [number, number] {
  const a = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const b = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const ports: [number, number] = [(a.addr as Deno.NetAddr).port, (b.addr as Deno.NetAddr).port];
  a.close();
  b.close();
  return ports;
}

/** A login running in this process. */
export interface LoginRun {
  out: string[];
  err: string[];
  /** The exit code, once it ends. */
  code: Promise<number>;
  /** Resolves with the first printed line (stdout or stderr) matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  /** The authorize URL the login printed. */
  authorizeUrl(): Promise<string>;
  /** Stops the login as Ctrl-C does. */
  cancel(reason?: unknown): void;
}

/** Starts `codexgate login <args>` with `--issuer` and the two callback ports set. */
export function startLogin(
  args: string[],
  options: Partial<LoginOptions> & { env: Record<string, string> },
): LoginRun {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  const code = runLogin(args, {
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    readTextFile: () => undefined,
    signal: controller.signal,
    ...options,
  });
  let ended = false;
  code.finally(() => (ended = true));
  const waitFor = async (pattern: RegExp) => {
    // Bounded but generous: a loaded machine may be slow; never a fixed sleep.
    const deadline = performance.now() + 30_000;
    for (;;) {
      const line = [...out, ...err].find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (ended) {
        throw new Error(`login ended without printing ${pattern}:\n${[...out, ...err].join("\n")}`);
      }
      if (performance.now() > deadline) throw new Error(`no line matching ${pattern}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    out,
    err,
    code,
    waitFor,
    authorizeUrl: async () => (await waitFor(/\/oauth\/authorize\?/)).trim(),
    cancel: (reason) => controller.abort(reason),
  };
}

/** Arguments pointing a login at the fake issuer and the test's ports, never opening a browser. */
export function loginArgs(issuer: string, ports: readonly number[], ...extra: string[]): string[] {
  return [
    "--issuer",
    issuer,
    ...ports.flatMap((p) => ["--callback-port", String(p)]),
    "--no-open",
    ...extra,
  ];
}

/** The files in `dir`, name → bytes, to prove nothing else changed. */
export async function snapshotDir(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const entry of Deno.readDir(join(dir, rel))) {
      const path = join(rel, entry.name);
      if (entry.isDirectory) await walk(path);
      else files.set(path, await Deno.readTextFile(join(dir, path)));
    }
  };
  await walk("");
  return files;
}

/** True when `port` on 127.0.0.1 can be bound again (the listener is closed). */
export function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

export { freePort };
