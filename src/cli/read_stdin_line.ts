/**
 * Reads one line typed or pasted on stdin (the paste sign-in), stopping at
 * once when the login is cancelled.
 *
 * @module
 */
import { abortedLogin } from "../login/login_error.ts";

let reader: ReadableStreamDefaultReader<string> | undefined;
let buffered = "";

/**
 * The next line of stdin without its line ending, or null at the end of
 * input.
 *
 * @throws {LoginError} when `signal` aborts first.
 */
export async function readStdinLine(signal: AbortSignal): Promise<string | null> {
  reader ??= Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(abortedLogin(signal));
    signal.addEventListener("abort", () => reject(abortedLogin(signal)), { once: true });
  });
  aborted.catch(() => {});
  for (;;) {
    const newline = buffered.indexOf("\n");
    if (newline >= 0) {
      const line = buffered.slice(0, newline).replace(/\r$/, "");
      buffered = buffered.slice(newline + 1);
      return line;
    }
    const { value, done } = await Promise.race([reader.read(), aborted]);
    if (done) {
      const rest = buffered;
      buffered = "";
      return rest === "" ? null : rest;
    }
    buffered += value;
  }
}
