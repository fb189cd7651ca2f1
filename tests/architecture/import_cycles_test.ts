/**
 * The structure drawn from the imports: no file imports itself back through
 * others, and folded to folders the graph is still a line from main.ts down
 * (docs/architecture.md), with no arrow back up.
 */
import { assertEquals } from "../support/assert.ts";
import { findCycles, folderGraph, readImportGraph, subgraph } from "./import_graph.ts";

const graph = subgraph(await readImportGraph("main.ts"), "");

Deno.test("import graph: no import cycle between files", () => {
  assertEquals(findCycles(graph), []);
});

Deno.test("import graph: no import cycle between folders", () => {
  assertEquals(findCycles(folderGraph(graph)), []);
});

Deno.test("findCycles() finds a loop through three files and a file importing itself", () => {
  const cyclic = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts", "d.ts"]],
    ["d.ts", []],
    ["e.ts", ["e.ts"]],
  ]);
  assertEquals(findCycles(cyclic), [["e.ts"], ["a.ts", "b.ts", "c.ts"]]);
});

Deno.test("folderGraph() folds subfolders into their src/ folder, keeps src/*.ts files apart", () => {
  const folded = folderGraph(
    new Map([
      ["src/app.ts", ["src/pipeline/forward.ts", "src/errors.ts"]],
      ["src/pipeline/forward.ts", ["src/pipeline/retry/policy.ts", "src/errors.ts"]],
      ["src/pipeline/retry/policy.ts", ["src/pipeline/forward.ts"]],
      ["src/errors.ts", []],
    ]),
  );
  assertEquals(Object.fromEntries(folded), {
    "src/app.ts": ["src/errors.ts", "src/pipeline"],
    "src/pipeline": ["src/errors.ts"],
    "src/errors.ts": [],
  });
});
