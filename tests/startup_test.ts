/**
 * What keeps startup light (docs/operations.md#startup): the modules
 * `deno run main.ts` evaluates before it serves (main.ts's static imports,
 * followed transitively) import no npm package, nothing of Deno's Node
 * compatibility layer (`node:`), no subcommand, no config file loader and no
 * client wire's or side route's own modules; those load with a dynamic import
 * when they are used.
 */
import { join } from "node:path";
import { assert, assertEquals } from "./support/assert.ts";
import { DENO_JSON, MAIN } from "./support/run_main.ts";

interface ModuleInfo {
  specifier: string;
  dependencies?: { isDynamic?: boolean; code?: { specifier: string } }[];
}

/** Every module of `root`'s graph, and those its static imports reach (what loads before it runs). */
async function importGraph(root: string): Promise<{ all: string[]; static: string[] }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", DENO_JSON, root],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: ModuleInfo[];
  };
  const edges = new Map(info.modules.map((m) => [m.specifier, m.dependencies ?? []]));
  const loaded = new Set<string>();
  const visit = (specifier: string) => {
    if (loaded.has(specifier)) return;
    loaded.add(specifier);
    // Type-only imports have no `code`; dynamic imports load later.
    for (const d of edges.get(specifier) ?? []) if (!d.isDynamic && d.code) visit(d.code.specifier);
  };
  visit(info.roots[0]);
  return { all: info.modules.map((m) => m.specifier), static: [...loaded] };
}

/** The modules that are not codexgate's own files: npm packages, `node:` built-ins. */
const foreign = (specifiers: string[]) => specifiers.filter((s) => !s.startsWith("file:"));

const LATER = [
  "/src/config/load_config.ts",
  "/src/config/schema.ts",
  "/src/state/sqlite_usage_store.ts",
  "/src/auth/refresh_auth_file.ts",
  "/src/cli/init.ts",
  "/src/cli/doctor.ts",
  "/src/cli/auth_status.ts",
  "/src/cli/login.ts",
  "/src/cli/logout.ts",
  "/src/cli/usage.ts",
  "/src/cli/accounts.ts",
  "/src/dialects/chat_completions/frontend.ts",
  "/src/dialects/responses/frontend.ts",
  "/src/dialects/anthropic_messages/frontend.ts",
  "/src/ui/status_page.ts",
  "/src/models/model_list.ts",
  "/src/http/status_report.ts",
  "/src/images/images_route.ts",
  "/src/pipeline/compact_passthrough.ts",
  "/src/pipeline/stages.ts",
  "/src/pipeline/translate.ts",
  "/src/pipeline/stream_back.ts",
  "/src/auth/describe_auth_startup.ts",
  "/src/cli/help_text.ts",
];

Deno.test("startup: main.ts's static imports reach no npm:, no node: and no subcommand module", async () => {
  const graph = await importGraph(MAIN);
  assertEquals(foreign(graph.static), [], "serving loads these before it listens");
  for (const later of LATER) {
    assert(!graph.static.some((s) => s.endsWith(later)), `${later} loads before serving`);
    // Still in the graph (a dynamic import), so `deno compile` embeds it.
    assert(graph.all.some((s) => s.endsWith(later)), `${later} is not reachable at all`);
  }
  // The whole graph does use them, later: the check above is not vacuous.
  for (const used of ["npm:", "node:sqlite"]) {
    assert(foreign(graph.all).some((s) => s.startsWith(used)), used);
  }
});

Deno.test("startup: the graph check sees a static npm: or node: import, and not a dynamic one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codexgate-startup-" });
  try {
    await Deno.writeTextFile(
      join(dir, "main.ts"),
      'import "./serving.ts";\nexport const later = () => import("./later.ts");\n',
    );
    await Deno.writeTextFile(
      join(dir, "serving.ts"),
      'import { z } from "zod";\nimport { join } from "node:path";\nexport const x = [z, join];\n',
    );
    await Deno.writeTextFile(
      join(dir, "later.ts"),
      'import { DatabaseSync } from "node:sqlite";\nexport const y = DatabaseSync;\n',
    );
    const graph = await importGraph(join(dir, "main.ts"));
    const loaded = foreign(graph.static);
    assert(loaded.some((s) => s.startsWith("npm:") && s.includes("zod")), loaded.join(", "));
    assert(loaded.includes("node:path"), loaded.join(", "));
    assert(!loaded.includes("node:sqlite"), loaded.join(", "));
    assert(graph.all.includes("node:sqlite"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startup: what the first completion loads (pipeline, each wire) reaches no npm: and no node:", async () => {
  const src = (path: string) => join(MAIN, "..", path);
  for (
    const root of [
      "src/pipeline/stages.ts",
      "src/dialects/chat_completions/frontend.ts",
      "src/dialects/responses/frontend.ts",
      "src/dialects/anthropic_messages/frontend.ts",
    ]
  ) {
    const graph = await importGraph(src(root));
    assertEquals(foreign(graph.static), [], root);
  }
});
