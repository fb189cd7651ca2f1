/**
 * `deno task bench [--quick] [--no-nginx | --install-nginx] [--out FILE]`:
 * starts the bench upstream, codexgate (as `deno task start` runs it), the
 * Deno floor (bench/floor.ts) and (when installed) nginx as subprocesses on
 * 127.0.0.1, measures the paths side by side, prints the Markdown report and
 * (full mode) writes bench/RESULTS.md. Quick mode is the CI smoke test: the
 * same phases at a fraction of the size.
 *
 * @module
 */
import { join } from "node:path";
import { VERSION } from "../src/version.ts";
import { BENCH_USAGE, type BenchArgs, parseBenchArgs } from "./args.ts";
import type { Child } from "./child_process.ts";
import { readProfileDir, summarizeProfile } from "./cpu_profile.ts";
import { ensureNginx, startNginx } from "./nginx_process.ts";
import { measureBursts, measureFlood, measureLeak, measureTtfb, warmUp } from "./phases.ts";
import { cpuMs, groupCpuMs, memoryKiB, processGroup } from "./proc_stats.ts";
import {
  type BenchRun,
  CHAT,
  CHAT_V8_DEFAULTS,
  type ColdStart,
  DIRECT,
  FLOOR,
  NGINX,
  renderMarkdown,
  RESPONSES,
} from "./report.ts";
import type { Scenario } from "./scenario.ts";
import { runStream } from "./sse_client.ts";
import {
  type BenchAuth,
  prepareAuth,
  type ProxyChild,
  ROOT,
  startCodexgate,
  startFloor,
  startTaskFlags,
  startUpstreamChild,
  type UpstreamChild,
  withoutV8Flags,
} from "./targets_setup.ts";
import { backendTarget, chatTarget, codexgateResponsesTarget, type Target } from "./targets.ts";

/** Sizes of one run. */
interface Plan {
  rounds: number;
  ttfbRequests: number;
  ttfbScenario: Scenario;
  floodScenario: Scenario;
  burstRounds: number;
  concurrencies: number[];
  slowScenario: Scenario;
  coldStarts: number;
  leakRequests: number;
  leakStep: number;
  leakConcurrency: number;
  warmUpRequests: number;
  profileRequests: number;
}

const SHORT: Scenario = { deltas: 10, deltaBytes: 64, delayMs: 0, flood: false };

const FULL: Plan = {
  rounds: 5,
  ttfbRequests: 200,
  ttfbScenario: SHORT,
  floodScenario: { deltas: 20_000, deltaBytes: 64, delayMs: 0, flood: true },
  burstRounds: 3,
  concurrencies: [100, 500],
  slowScenario: { deltas: 20, deltaBytes: 64, delayMs: 50, flood: false },
  coldStarts: 9,
  leakRequests: 10_000,
  leakStep: 1_000,
  leakConcurrency: 16,
  warmUpRequests: 200,
  profileRequests: 2_000,
};

const QUICK: Plan = {
  rounds: 2,
  ttfbRequests: 20,
  ttfbScenario: SHORT,
  floodScenario: { deltas: 2_000, deltaBytes: 64, delayMs: 0, flood: true },
  burstRounds: 1,
  concurrencies: [20, 50],
  slowScenario: { deltas: 10, deltaBytes: 64, delayMs: 50, flood: false },
  coldStarts: 1,
  leakRequests: 300,
  leakStep: 100,
  leakConcurrency: 8,
  warmUpRequests: 20,
  profileRequests: 100,
};

function parseArgs(argv: string[]): BenchArgs {
  try {
    return parseBenchArgs(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n${BENCH_USAGE}`);
    Deno.exit(2);
  }
}

function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function text(command: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "null" })
      .output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
}

function readFile(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** The 1/5/15-minute load averages, or "unknown" where /proc is missing. */
function loadAverage(): string {
  return readFile("/proc/loadavg").split(" ").slice(0, 3).join(" ") || "unknown";
}

function machine(): Record<string, string> {
  const cpu = /model name\s*:\s*(.+)/.exec(readFile("/proc/cpuinfo"))?.[1] ?? "unknown";
  const mem = Number(/MemTotal:\s+(\d+)/.exec(readFile("/proc/meminfo"))?.[1] ?? 0);
  return {
    CPU: `${cpu}, ${navigator.hardwareConcurrency} logical cores`,
    memory: `${(mem / 1048576).toFixed(1)} GiB`,
    OS: `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`,
    "load average at start (1/5/15 min)": loadAverage(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A program whose cold start is measured: how to start it and how to ask it for an answer. */
interface ColdProgram {
  name: string;
  start: () => Promise<Child & { url: string }>;
  target: (url: string) => Target;
  /** CPU of the process group, ms (nginx counts its workers). */
  cpu: (pid: number) => number;
}

/**
 * Cold starts, spawn → /health and → first streamed answer, the programs
 * alternating start by start (order rotating), after one unmeasured start
 * each so the module and code caches are warm, as on a user's machine.
 */
async function measureColdStarts(programs: ColdProgram[], runs: number): Promise<ColdStart[]> {
  const out = new Map(programs.map((p) => [p.name, {
    name: p.name,
    healthMs: [] as number[],
    firstAnswerMs: [] as number[],
    cpuMs: [] as number[],
  }]));
  for (let i = -1; i < runs; i++) {
    const k = Math.max(0, i) % programs.length;
    for (const program of [...programs.slice(k), ...programs.slice(0, k)]) {
      const child = await program.start();
      const cpu = program.cpu(child.pid);
      try {
        const r = await runStream(program.target(child.url).request(SHORT));
        if (!r.ok) throw new Error(`${program.name}: first answer failed: ${r.error}`);
        const answered = performance.now() - child.spawnedAt;
        if (i < 0) continue;
        const c = out.get(program.name)!;
        c.healthMs.push(child.coldStartMs);
        c.firstAnswerMs.push(answered);
        c.cpuMs.push(cpu);
      } finally {
        await child.stop();
      }
    }
  }
  return [...out.values()];
}

/** Whether codexgate serves `/v1/responses` yet (the passthrough may not have landed). */
async function responsesAvailable(target: Target): Promise<string | undefined> {
  const r = await runStream(target.request(SHORT));
  if (r.ok) return undefined;
  return r.status === 404
    ? "codexgate has no /v1/responses route in this build (pending); rerun once it lands"
    : `codexgate /v1/responses failed its probe: ${r.error}`;
}

/**
 * A CPU profile of codexgate serving `requests` short chat streams one at a
 * time, after a warm-up and an idle pause that marks where they start.
 */
async function profileCodexgate(
  auth: BenchAuth,
  upstream: UpstreamChild,
  plan: Plan,
  tempDirs: string[],
): Promise<NonNullable<BenchRun["profile"]>> {
  const dir = await Deno.makeTempDir({ prefix: "codexgate-bench-prof-" });
  tempDirs.push(dir);
  const cg = await startCodexgate(auth, upstream, { cpuProfDir: dir });
  let cpu = 0;
  try {
    const target = chatTarget(CHAT, cg.url, () => [cg.pid]);
    await warmUp([target], plan.ttfbScenario, plan.warmUpRequests);
    await sleep(600);
    const cpu0 = cpuMs(cg.pid);
    for (let i = 0; i < plan.profileRequests; i++) {
      const r = await runStream(target.request(plan.ttfbScenario));
      if (!r.ok) throw new Error(`profiled request failed: ${r.error}`);
    }
    cpu = cpuMs(cg.pid) - cpu0;
  } finally {
    await cg.stop();
  }
  return {
    requests: plan.profileRequests,
    cpuUsPerRequest: cpu * 1000 / plan.profileRequests,
    summary: summarizeProfile(await readProfileDir(dir), { idleMs: 400 }),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const plan = args.quick ? QUICK : FULL;
  const started: Child[] = [];
  const tempDirs: string[] = [];
  let interrupted = false;
  const cleanup = async () => {
    for (const child of started.reverse()) await child.stop().catch(() => {});
    started.length = 0;
    for (const dir of tempDirs.splice(0)) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  };
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    log("interrupted: stopping the processes it started");
    cleanup().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);

  const t0 = performance.now();
  const startFlags = startTaskFlags();
  const defaultFlags = withoutV8Flags(startFlags);
  const run: BenchRun = {
    mode: args.quick ? "quick" : "full",
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: machine(),
    versions: {
      codexgate: `${VERSION} (git ${
        await text("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]) || "?"
      })`,
      Deno: `${Deno.version.deno} (V8 ${Deno.version.v8})`,
    },
    startFlags: startFlags.join(" "),
    notes: [],
    targets: [],
    skipped: {},
    config: {},
    phases: [],
    ttfb: new Map(),
    flood: new Map(),
    floodUpstreamBytes: 0,
    floodDeltas: plan.floodScenario.deltas,
    bursts: [],
    coldStarts: [],
  };
  const describe = (s: Scenario) =>
    `${s.deltas} deltas × ${s.deltaBytes} B${s.delayMs ? `, ${s.delayMs} ms apart` : ""}`;
  run.config = {
    rounds: `${plan.rounds} (bursts: ${plan.burstRounds}), target order rotating each round`,
    "TTFB stream": `${
      describe(plan.ttfbScenario)
    }, ${plan.ttfbRequests} sequential requests per target per round, interleaved request by request`,
    "flood stream": `${describe(plan.floodScenario)}, upstream writes 64 KiB chunks`,
    "slow stream": describe(plan.slowScenario),
    "warm-up": `${plan.warmUpRequests} short requests and one flood per target, not measured`,
    "cold starts": `${plan.coldStarts} per program, alternating, after one unmeasured start each`,
  };
  /** Runs one phase, recording its duration and the load average around it. */
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    log(name);
    const start = performance.now();
    const loadStart = loadAverage();
    const result = await fn();
    run.phases.push({
      name,
      seconds: (performance.now() - start) / 1000,
      loadStart,
      loadEnd: loadAverage(),
    });
    return result;
  };

  try {
    const auth = await prepareAuth();
    tempDirs.push(auth.codexHome);
    const upstream = await startUpstreamChild(auth);
    started.push(upstream);
    const upstreamPort = Number(new URL(upstream.origin).port);
    const creds = { accessToken: auth.tokens.access_token, accountId: auth.tokens.account_id };
    log(`upstream on ${upstream.origin}`);

    let nginxBinary: string | undefined;
    if (args.nginx) {
      const found = await ensureNginx(args.installNginx, args.quick ? 45_000 : 300_000);
      if ("missing" in found) run.skipped[NGINX] = found.missing;
      else {
        nginxBinary = found.path;
        run.versions.nginx = found.version;
      }
    } else run.skipped[NGINX] = "disabled with --no-nginx";

    const coldPrograms: ColdProgram[] = [
      {
        name: "codexgate",
        start: () => startCodexgate(auth, upstream),
        target: (url) => chatTarget(CHAT, url, () => []),
        cpu: cpuMs,
      },
      {
        name: FLOOR,
        start: () => startFloor(auth, upstream),
        target: (url) => chatTarget(FLOOR, url, () => []),
        cpu: cpuMs,
      },
    ];
    if (nginxBinary) {
      const binary = nginxBinary;
      coldPrograms.push({
        name: NGINX,
        start: () => startNginx(binary, upstreamPort),
        target: (url) => backendTarget(NGINX, url, creds, () => []),
        cpu: (pid) => groupCpuMs(processGroup(pid)),
      });
    }
    try {
      run.coldStarts = await phase(
        "cold starts",
        () => measureColdStarts(coldPrograms, plan.coldStarts),
      );
    } catch (err) {
      if (!nginxBinary || !(err as Error).message.includes("nginx")) throw err;
      // nginx is the reference, not the subject: without it the run goes on.
      run.skipped[NGINX] = `nginx would not start: ${(err as Error).message.slice(0, 300)}`;
      nginxBinary = undefined;
      run.coldStarts = await phase(
        "cold starts (without nginx)",
        () => measureColdStarts(coldPrograms.filter((p) => p.name !== NGINX), plan.coldStarts),
      );
    }

    const codexgate: ProxyChild = await startCodexgate(auth, upstream);
    started.push(codexgate);
    log(`codexgate on ${codexgate.url} (pid ${codexgate.pid}), flags ${startFlags.join(" ")}`);
    const floor = await startFloor(auth, upstream);
    started.push(floor);
    let plain: ProxyChild | undefined;
    // Quick mode (CI) leaves the comparison out: its bursts are too small to show what the flags do.
    if (defaultFlags.length !== startFlags.length && !args.quick) {
      plain = await startCodexgate(auth, upstream, { flags: defaultFlags });
      started.push(plain);
    }

    const targets: Target[] = [backendTarget(DIRECT, upstream.origin, creds, () => [])];
    if (nginxBinary) {
      const nginx = await startNginx(nginxBinary, upstreamPort);
      started.push(nginx);
      const pid = nginx.pid;
      targets.push(backendTarget(NGINX, nginx.url, creds, () => processGroup(pid)));
    }
    targets.push(chatTarget(FLOOR, floor.url, () => [floor.pid]));
    const cgPids = () => [codexgate.pid];
    const responses = codexgateResponsesTarget(codexgate.url, cgPids);
    const missing = await responsesAvailable(responses);
    if (missing) run.skipped[RESPONSES] = missing;
    else targets.push(responses);
    targets.push(chatTarget(CHAT, codexgate.url, cgPids));
    if (plain) {
      const pid = plain.pid;
      targets.push(chatTarget(CHAT_V8_DEFAULTS, plain.url, () => [pid]));
    } else if (!args.quick) {
      run.skipped[CHAT_V8_DEFAULTS] = "`deno task start` sets no V8 flags: nothing to compare";
    }
    run.targets = targets.map((t) => t.name);

    await phase("warm-up", async () => {
      await warmUp(targets, plan.ttfbScenario, plan.warmUpRequests);
      await warmUp(targets, plan.floodScenario, 1);
    });
    run.ttfb = await phase("TTFB, one stream at a time", () =>
      measureTtfb(targets, {
        rounds: plan.rounds,
        requests: plan.ttfbRequests,
        scenario: plan.ttfbScenario,
      }));
    const flood = await phase("flood", () =>
      measureFlood(targets, {
        rounds: plan.rounds,
        scenario: plan.floodScenario,
      }));
    run.flood = flood.figures;
    run.floodUpstreamBytes = flood.upstreamBytes;
    for (const concurrency of plan.concurrencies) {
      run.bursts.push({
        concurrency,
        figures: await phase(
          `${concurrency} concurrent slow streams`,
          () =>
            measureBursts(targets, {
              rounds: plan.burstRounds,
              concurrency,
              scenario: plan.slowScenario,
              probe: plan.ttfbScenario,
            }),
        ),
      });
    }
    run.codexgateHwmKiB = memoryKiB(codexgate.pid).hwm;
    // The long-running processes stop here, so the phases below run on a quieter machine.
    await cleanupChildren(started, upstream);

    const leakNames = [RESPONSES, CHAT].filter((n) => run.targets.includes(n));
    // A fresh process, so the bursts before do not set its baseline.
    const fresh = await startCodexgate(auth, upstream);
    started.push(fresh);
    const freshTargets = leakNames.map((name) =>
      name === CHAT
        ? chatTarget(CHAT, fresh.url, () => [fresh.pid])
        : codexgateResponsesTarget(fresh.url, () => [fresh.pid])
    );
    await warmUp(freshTargets, plan.ttfbScenario, plan.warmUpRequests);
    run.leak = {
      target: `${
        leakNames.join(" and ")
      }, alternating, in a fresh codexgate process after ${plan.warmUpRequests} warm-up requests`,
      figure: await phase(
        `${plan.leakRequests} requests (RSS growth)`,
        () =>
          measureLeak(freshTargets, fresh.pid, {
            requests: plan.leakRequests,
            concurrency: plan.leakConcurrency,
            step: plan.leakStep,
            scenario: plan.ttfbScenario,
          }),
      ),
    };
    await fresh.stop();
    started.splice(started.indexOf(fresh), 1);

    try {
      run.profile = await phase(
        `CPU profile of ${plan.profileRequests} short chat requests`,
        () => profileCodexgate(auth, upstream, plan, tempDirs),
      );
    } catch (err) {
      // Where a stopped process writes no profile (Windows ends it without a signal handler).
      run.notes.push(`no CPU profile: ${(err as Error).message.slice(0, 200)}`);
    }
  } finally {
    await cleanup();
  }
  run.machine["load average at end (1/5/15 min)"] = loadAverage();
  run.notes.push(`whole run took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const load = Number(readFile("/proc/loadavg").split(" ")[0]);
  if (load > navigator.hardwareConcurrency) {
    run.notes.push(
      `**the machine was busy with other work** (load average ${load} on ${navigator.hardwareConcurrency} cores at the end): latencies are inflated; ratios and CPU figures are the steadier reading`,
    );
  }
  const shared = Deno.env.get("BENCH_SHARED_NOTE");
  if (shared) run.notes.push(shared);
  run.reading = readFile(join(ROOT, "bench/READING.md")) || undefined;

  const markdown = renderMarkdown(run);
  console.log(markdown);
  const out = args.out ?? (args.quick ? undefined : join(ROOT, "bench/RESULTS.md"));
  if (out) {
    await Deno.writeTextFile(out, markdown);
    // Formatted as `deno fmt` wants it, so `deno task check` stays green after a run.
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", out], stdout: "null" })
      .output();
    log(`wrote ${out}`);
  }
  const errors = [...run.ttfb.values()].reduce((n, f) => n + f.errors, 0);
  if (errors > 0) log(`note: ${errors} TTFB requests failed (see the table)`);
}

/** Stops every started child except the upstream, and forgets them. */
async function cleanupChildren(started: Child[], keep: Child): Promise<void> {
  for (const child of started.splice(0).reverse()) {
    if (child === keep) started.push(child);
    else await child.stop().catch(() => {});
  }
}

if (import.meta.main) await main();
