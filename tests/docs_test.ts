/**
 * The documentation holds together: every relative link in README.md and
 * docs/ reaches a file and, with `#anchor`, a heading in it; every link a code
 * comment makes into docs/ resolves; and the configuration reference names
 * every key the config schema accepts. Wording is never checked.
 */
import { assert, assertEquals } from "./support/assert.ts";
import { configSchema } from "../src/config/schema.ts";

const ROOT = new URL("../", import.meta.url);

/**
 * docs/ pages written on other branches at the same time as the links to
 * them. A link to one of these may point nowhere only while the page is
 * absent; once it exists its anchors are checked like any other.
 */
const PENDING_PAGES = new Set<string>();

async function read(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(new URL(path, ROOT));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.IsADirectory) {
      return undefined;
    }
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(new URL(path, ROOT));
    return true;
  } catch {
    return false;
  }
}

/** Markdown without fenced code blocks (their brackets are code, not links). */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```+|~~~+)[^\n]*\n[\s\S]*?^\1\s*$/gm, "");
}

/** The anchors GitHub gives a page's headings (`## Refresh and locking` → `refresh-and-locking`). */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of withoutCode(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(
      /\s/g,
      "-",
    );
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** `dir/a/../b.md` → `dir/b.md`, relative to the repository root. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

/** Checks one link target written in `from`; returns what is wrong, or undefined. */
async function brokenLink(from: string, target: string): Promise<string | undefined> {
  const [rawPath, anchor] = target.split("#", 2);
  const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
  const path = rawPath === "" ? from : normalize(dir + decodeURIComponent(rawPath));
  if (!(await exists(path))) {
    return PENDING_PAGES.has(path) ? undefined : `${from}: ${target}: no file ${path}`;
  }
  if (anchor === undefined || !path.endsWith(".md")) return undefined;
  const text = await read(path);
  if (text === undefined) return `${from}: ${target}: cannot read ${path}`;
  return anchorsOf(text).has(anchor) ? undefined : `${from}: ${target}: no heading #${anchor}`;
}

async function markdownPages(): Promise<string[]> {
  const pages = ["README.md"];
  for await (const entry of Deno.readDir(new URL("docs/", ROOT))) {
    if (entry.isFile && entry.name.endsWith(".md")) pages.push(`docs/${entry.name}`);
  }
  return pages.sort();
}

async function sourceFiles(): Promise<string[]> {
  const files = ["main.ts"];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  for (const dir of ["src/", "tests/", "bench/"]) await walk(dir);
  return files.sort();
}

Deno.test("docs: every relative link in README.md and docs/ reaches its file and heading", async () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of await markdownPages()) {
    const text = withoutCode((await read(page))!);
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const problem = await brokenLink(page, target);
      if (problem) broken.push(problem);
    }
  }
  assert(checked > 50, `only ${checked} links found: is the link pattern still right?`);
  assertEquals(broken, []);
});

Deno.test("docs: every docs/ link in a code comment resolves", async () => {
  const broken: string[] = [];
  let checked = 0;
  for (const file of await sourceFiles()) {
    const text = (await read(file))!;
    for (const [target] of text.matchAll(/\bdocs\/[\w.-]+\.md(#[\w-]+)?/g)) {
      checked++;
      // Resolved from the repository root, the way the comments are written.
      const problem = await brokenLink("", target);
      if (problem) broken.push(`${file}: ${problem.replace(/^: /, "")}`);
    }
  }
  assert(checked > 40, `only ${checked} links found in code comments`);
  assertEquals(broken, []);
});

Deno.test("docs: code comments cite the project's docs, not an outside spec's sections", async () => {
  const citing: string[] = [];
  for (const file of await sourceFiles()) {
    const text = (await read(file))!;
    text.split("\n").forEach((line, i) => {
      if (/\bspec\s+§/.test(line)) citing.push(`${file}:${i + 1}`);
    });
  }
  assertEquals(citing, [], "link to docs/<page>.md#<anchor> instead");
});

/** Every key path the config schema accepts (`server.port`, `backends.*.timeout`, …). */
function schemaKeys(schema: unknown, prefix: string, out: string[]): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case "object":
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        const path = prefix ? `${prefix}.${key}` : key;
        out.push(path);
        schemaKeys(value, path, out);
      }
      break;
    case "default":
    case "optional":
    case "nullable":
    case "readonly":
      schemaKeys(def.innerType, prefix, out);
      break;
    case "pipe":
      schemaKeys(def.in, prefix, out);
      break;
    case "record":
      schemaKeys(def.valueType, `${prefix}.*`, out);
      break;
    case "array":
      schemaKeys(def.element, `${prefix}[]`, out);
      break;
  }
  return out;
}

Deno.test("docs: docs/configuration.md names every key of the config schema", async () => {
  const reference = (await read("docs/configuration.md"))!;
  const keys = schemaKeys(configSchema, "", []);
  assert(keys.includes("backends.*.extra.codex.reactor_rules[].replace_with"), "the walk is deep");
  const missing = keys.filter((path) => {
    const key = path.split(/[.[\]*]+/).filter(Boolean).at(-1)!;
    // The key in backticks, alone or as one segment of a dotted path (`extra.codex`).
    return !new RegExp(`\`([\\w<>*-]+\\.)*${key}(\\.[\\w<>*-]+)*\``).test(reference);
  });
  assertEquals(missing, [], "document these keys in docs/configuration.md");
});
