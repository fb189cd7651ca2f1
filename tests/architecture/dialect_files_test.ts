/**
 * Every client wire keeps the same roles in the same files
 * (docs/architecture.md): whoever knows one dialect folder finds their way
 * in the others. Wire-specific helpers sit beside them.
 */
import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { PROJECT_ROOT } from "./import_graph.ts";

/** The files each dialect folder has: its hooks, parser, stream mapper, renderer and error shapes. */
const DIALECT_FILES = [
  "error_body.ts",
  "frontend.ts",
  "parse_request.ts",
  "render_response.ts",
  "stream_mapper.ts",
];

Deno.test("every dialect folder has frontend, parse_request, stream_mapper, render_response and error_body", async () => {
  const root = join(PROJECT_ROOT, "src", "dialects");
  const folders: string[] = [];
  for await (const entry of Deno.readDir(root)) if (entry.isDirectory) folders.push(entry.name);
  assertEquals(folders.sort(), ["anthropic_messages", "chat_completions", "responses"]);
  for (const folder of folders) {
    const files = new Set<string>();
    for await (const entry of Deno.readDir(join(root, folder))) files.add(entry.name);
    assertEquals(DIALECT_FILES.filter((f) => !files.has(f)), [], `${folder} lacks`);
  }
});
