import { assert, assertEquals, assertNotEquals } from "../support/assert.ts";
import { buildToolNameMap, isValidToolName } from "../../src/translate/tool_names.ts";

Deno.test("buildToolNameMap() keeps valid names and makes others safe, stable and reversible", () => {
  const long = "x".repeat(70);
  const dotted = "server.read file";
  const names = buildToolNameMap(["get_weather", long, dotted]);
  assertEquals(names.toUpstream("get_weather"), "get_weather");
  for (const name of [long, dotted]) {
    const safe = names.toUpstream(name);
    assert(isValidToolName(safe), safe);
    assertEquals(names.fromUpstream(safe), name);
    // Stable: the same name maps the same way in a later request.
    assertEquals(buildToolNameMap([name]).toUpstream(name), safe);
  }
  assertEquals(names.toUpstream(dotted).slice(0, 17), "server_read_file_");
  assertEquals(names.fromUpstream("unknown_tool"), "unknown_tool");
  assertEquals(names.reverse.size, 2);
});

Deno.test("buildToolNameMap() never reuses a valid client name or another safe name", () => {
  const a = "a.b";
  const first = buildToolNameMap([a]).toUpstream(a);
  // A client tool already named like a's safe name keeps its name; a.b gets another one.
  const names = buildToolNameMap([first, a, "a b"]);
  assertEquals(names.toUpstream(first), first);
  assertNotEquals(names.toUpstream(a), first);
  assertNotEquals(names.toUpstream(a), names.toUpstream("a b"));
  assert(isValidToolName(names.toUpstream(a)));
  assertEquals(names.fromUpstream(names.toUpstream(a)), a);
  assertEquals(names.fromUpstream(first), first);
});
