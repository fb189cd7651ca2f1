/**
 * The SSE parser: the "\n"-only fast path and the CR/CRLF path give the same
 * frames however the bytes are cut into chunks.
 */
import { type SseFrame, SseParser } from "../src/sse/sse_parse_stream.ts";
import { assertEquals } from "./support/assert.ts";

function parse(chunks: string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = new SseParser((f) => frames.push(f));
  for (const c of chunks) parser.feed(c);
  parser.end();
  return frames;
}

/** Every way of cutting `text` in two, plus one char per chunk. */
function cuts(text: string): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

const STREAM = 'event: response.created\ndata: {"a":1}\n\n: comment\ndata: x\ndata: y\n\n' +
  "event: big\nid: 7\ndata: " + "z".repeat(300) + "\n\n";
const EXPECTED: SseFrame[] = [
  { event: "response.created", data: '{"a":1}' },
  { event: "", data: "x\ny" },
  { event: "big", data: "z".repeat(300), id: "7" },
];

Deno.test("sse: LF-only stream gives the same frames for every chunking", () => {
  for (const chunks of cuts(STREAM)) assertEquals(parse(chunks), EXPECTED);
});

Deno.test("sse: CRLF and CR line ends give the same frames for every chunking", () => {
  for (const text of [STREAM.replace(/\n/g, "\r\n"), STREAM.replace(/\n/g, "\r")]) {
    for (const chunks of cuts(text)) assertEquals(parse(chunks), EXPECTED);
  }
});

Deno.test("sse: a chunk of only LF after a chunk ending in CR is one line end", () => {
  assertEquals(parse(["data: a\r", "\n", "\r\n"]), [{ event: "", data: "a" }]);
});

Deno.test("sse: a last frame without its blank line is still delivered", () => {
  assertEquals(parse(["data: tail"]), [{ event: "", data: "tail" }]);
});
