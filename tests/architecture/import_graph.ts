/**
 * The project's import graph, read from `deno info --json`: which source file
 * imports which (type-only imports included), the import cycles in it, and
 * the same graph folded to folders (`src/pipeline → src/auth`).
 *
 * Run it to print the folder graph and any cycle:
 * `deno run --allow-run --allow-read tests/architecture/import_graph.ts`
 *
 * @module
 */
import { relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

/** File (relative to the project root) → the project files it imports. */
export type ImportGraph = Map<string, string[]>;

interface InfoModule {
  specifier: string;
  dependencies?: {
    code?: { specifier: string };
    type?: { specifier: string };
  }[];
}

/** The project root (the folder holding deno.json). */
export const PROJECT_ROOT: string = fromFileUrl(new URL("../../", import.meta.url));

/**
 * Reads the graph of everything `entry` reaches, limited to files under the
 * project root.
 *
 * @example
 * ```ts
 * const graph = await readImportGraph("main.ts");
 * ```
 */
export async function readImportGraph(entry: string): Promise<ImportGraph> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: PROJECT_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno info failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: InfoModule[] };
  const local = (specifier: string) =>
    specifier.startsWith("file://") ? relative(PROJECT_ROOT, fromFileUrl(specifier)) : undefined;
  const graph: ImportGraph = new Map();
  for (const module of info.modules) {
    const from = local(module.specifier);
    if (from === undefined || !from.endsWith(".ts")) continue;
    const targets = new Set<string>();
    for (const dep of module.dependencies ?? []) {
      for (const target of [dep.code?.specifier, dep.type?.specifier]) {
        const to = target === undefined ? undefined : local(target);
        if (to !== undefined && to.endsWith(".ts")) targets.add(to);
      }
    }
    graph.set(from, [...targets].sort());
  }
  return graph;
}

/**
 * The graph folded to the folders of `src/` (a subfolder counts as its
 * top folder: `src/dialects/responses` is `src/dialects`): an edge for every
 * import that crosses them. A file directly in `src/` (app.ts, errors.ts,
 * log.ts) or at the top (main.ts) stays a node of its own: they are layers,
 * not a folder.
 */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const folders: ImportGraph = new Map();
  const folderOf = (file: string) => {
    const parts = file.split("/");
    return parts.length <= 2 ? file : parts.slice(0, 2).join("/");
  };
  for (const [from, targets] of graph) {
    const source = folderOf(from);
    const edges = new Set(folders.get(source) ?? []);
    for (const to of targets) if (folderOf(to) !== source) edges.add(folderOf(to));
    folders.set(source, [...edges].sort());
  }
  return folders;
}

/**
 * Every cycle's members (strongly connected components of two or more
 * nodes, or one node importing itself), each sorted, smallest first.
 */
export function findCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = graph.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const to = targets[frame.next++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== frame.node);
      const selfLoop = (graph.get(frame.node) ?? []).includes(frame.node);
      if (members.length > 1 || selfLoop) cycles.push(members.sort());
    }
  }
  return cycles.sort((a, b) => a.length - b.length || a[0].localeCompare(b[0]));
}

/** Only the part of the graph whose files start with `prefix`. */
export function subgraph(graph: ImportGraph, prefix: string): ImportGraph {
  const out: ImportGraph = new Map();
  for (const [from, targets] of graph) {
    if (from.startsWith(prefix)) out.set(from, targets.filter((t) => t.startsWith(prefix)));
  }
  return out;
}

if (import.meta.main) {
  const graph = subgraph(await readImportGraph("main.ts"), "");
  const folders = folderGraph(graph);
  for (const [folder, targets] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${folder} → ${targets.join(", ") || "(nothing)"}`);
  }
  const fileCycles = findCycles(graph);
  const folderCycles = findCycles(folders);
  console.log(`\nfiles: ${graph.size}, file import cycles: ${fileCycles.length}`);
  for (const cycle of fileCycles) console.log(`  ${cycle.join(" ↔ ")}`);
  console.log(`folder import cycles: ${folderCycles.length}`);
  for (const cycle of folderCycles) console.log(`  ${cycle.join(" ↔ ")}`);
}
