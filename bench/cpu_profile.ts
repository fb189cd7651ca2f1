/**
 * Reads a V8 CPU profile (`deno run --cpu-prof`) of codexgate serving short
 * requests and says where the main thread's time went: self time by kind of
 * code (codexgate's own, Deno's HTTP server and `fetch`, web streams, the
 * Node compatibility layer, npm packages, V8 built-ins, GC) and the
 * functions with the most self time.
 *
 * The profile covers the whole process; only the samples after the last
 * long idle stretch count, which is where the client starts the measured
 * requests (it waits before them on purpose).
 *
 * @module
 */

/** One node of a `.cpuprofile`. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** A `.cpuprofile` file. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one kind of code or one function. */
export interface ProfileShare {
  name: string;
  /** Milliseconds of self time in the measured window. */
  ms: number;
  /** Fraction of the busy (non-idle) time. */
  share: number;
}

/** What a profile says. */
export interface ProfileSummary {
  /** Busy (non-idle) main-thread milliseconds in the measured window. */
  busyMs: number;
  /** Length of the measured window, ms. */
  windowMs: number;
  /** Whether an idle stretch marked the start of the window (else: the whole profile). */
  windowFound: boolean;
  byKind: ProfileShare[];
  topFunctions: ProfileShare[];
}

const IDLE = "(idle)";

/** The kind of code a frame belongs to. */
export function kindOf(functionName: string, url: string): string {
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)") return "V8 and runtime outside JS (program)";
  if (url === "") return "V8 built-ins (JSON, strings, regexps, …)";
  if (url.includes("/npm/") || url.includes("/node_modules/")) return "npm packages";
  if (url.startsWith("file://")) return url.includes("/bench/") ? "bench" : "codexgate's own code";
  if (url.startsWith("ext:deno_node") || url.startsWith("node:")) return "Node compatibility layer";
  if (url.startsWith("ext:deno_http")) return "Deno HTTP server (Deno.serve)";
  if (
    url.startsWith("ext:deno_fetch/26_fetch") || url.startsWith("ext:deno_fetch/22_http_client")
  ) {
    return "fetch (client)";
  }
  if (url.startsWith("ext:deno_web/06_streams")) return "web streams";
  if (url.startsWith("ext:deno_fetch") || url.startsWith("ext:deno_url")) {
    return "Request/Response/Headers/URL";
  }
  if (url.startsWith("ext:deno_web")) return "encoding, timers, events (deno_web)";
  if (url.startsWith("ext:core")) return "Deno core (ops, promises)";
  return "other Deno built-ins";
}

/** The sample index where the measured window starts: after the last idle stretch ≥ `idleMs`. */
function windowStart(profile: CpuProfile, idle: Set<number>, idleMs: number): number {
  let start = -1;
  let runStart = -1;
  let runUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (idle.has(profile.samples[i])) {
      if (runStart === -1) {
        runStart = i;
        runUs = 0;
      }
      runUs += profile.timeDeltas[i] ?? 0;
      if (runUs >= idleMs * 1000) start = i + 1;
    } else runStart = -1;
  }
  return start;
}

/** Summarises a profile (see the module comment). */
export function summarizeProfile(
  profile: CpuProfile,
  options: { idleMs?: number; top?: number } = {},
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const idle = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === IDLE).map((n) => n.id),
  );
  const found = windowStart(profile, idle, options.idleMs ?? 300);
  const from = Math.max(0, found);
  const byNode = new Map<number, number>();
  let windowUs = 0;
  // timeDeltas[i] is the time before sample i: charge it to sample i - 1 (what ran until then).
  for (let i = from + 1; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    windowUs += us;
    const id = profile.samples[i - 1];
    byNode.set(id, (byNode.get(id) ?? 0) + us);
  }
  let busyUs = 0;
  const kinds = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of byNode) {
    if (idle.has(id)) continue;
    const frame = nodes.get(id)!.callFrame;
    busyUs += us;
    const kind = kindOf(frame.functionName, frame.url);
    kinds.set(kind, (kinds.get(kind) ?? 0) + us);
    const where = frame.url ? ` (${shortUrl(frame.url)}:${frame.lineNumber + 1})` : "";
    const fn = `${frame.functionName || "(anonymous)"}${where}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const shares = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000, share: busyUs ? us / busyUs : 0 }))
      .sort((a, b) => b.ms - a.ms);
  return {
    busyMs: busyUs / 1000,
    windowMs: windowUs / 1000,
    windowFound: found !== -1,
    byKind: shares(kinds),
    topFunctions: shares(functions).slice(0, options.top ?? 15),
  };
}

/** `file:///…/src/http/x.ts` → `src/http/x.ts`; npm paths → `npm:<package>/…`. */
function shortUrl(url: string): string {
  const npm = /\/npm\/[^/]+\/((?:@[^/]+\/)?[^/]+)\/[^/]+\/(.*)$/.exec(url);
  if (npm) return `npm:${npm[1]}/${npm[2]}`;
  const local = /\/((?:src|bench|tests)\/.*|main\.ts)$/.exec(url);
  return local ? local[1] : url;
}

/** Reads the one `.cpuprofile` a process wrote into `dir`. */
export async function readProfileDir(dir: string): Promise<CpuProfile> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".cpuprofile")) {
      return JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`)) as CpuProfile;
    }
  }
  throw new Error(`no .cpuprofile in ${dir}`);
}
