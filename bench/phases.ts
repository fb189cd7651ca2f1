/**
 * The measured phases. Every phase runs in rounds; in each round every
 * target gets the same work, in an order that rotates from round to round,
 * so drift on a shared machine spreads evenly over the targets.
 *
 * @module
 */
import { groupCpuMs, groupRssKiB, memoryKiB, sampleRss } from "./proc_stats.ts";
import { buildFrames, type Scenario } from "./scenario.ts";
import { runMany, runStream, type StreamResult } from "./sse_client.ts";
import type { Target } from "./targets.ts";

/** Targets of round `round`, rotated. */
function rotated(targets: readonly Target[], round: number): Target[] {
  const k = round % targets.length;
  return [...targets.slice(k), ...targets.slice(0, k)];
}

function firstErrors(results: readonly StreamResult[], into: string[]): void {
  for (const r of results) {
    if (!r.ok && into.length < 3) into.push(r.error ?? `HTTP ${r.status}`);
  }
}

/** Brings every path to steady state (JIT, connection pools) before measuring. */
export async function warmUp(
  targets: readonly Target[],
  scenario: Scenario,
  requests: number,
): Promise<void> {
  for (const target of targets) {
    const results = await runMany(requests, 4, () => target.request(scenario));
    const bad = results.find((r) => !r.ok);
    if (bad) throw new Error(`warm-up of ${target.name} failed: ${bad.error}`);
  }
}

/** Time to first byte of one stream at a time. */
export interface TtfbFigure {
  samples: number[];
  /** CPU of the path's own processes per request, µs, one value per round (empty for direct). */
  cpuUsPerRequest: number[];
  errors: number;
  errorSamples: string[];
}

/**
 * Sequential short streams, `requests` per target per round, interleaved
 * request by request (direct, nginx, codexgate, … in a rotating order), so a
 * busy moment on a shared machine hits every target alike. The path's CPU is
 * read around each request (only one is in flight) and summed per round.
 */
export async function measureTtfb(
  targets: readonly Target[],
  options: { rounds: number; requests: number; scenario: Scenario },
): Promise<Map<string, TtfbFigure>> {
  const out = new Map<string, TtfbFigure>(
    targets.map((t) => [t.name, { samples: [], cpuUsPerRequest: [], errors: 0, errorSamples: [] }]),
  );
  for (let round = 0; round < options.rounds; round++) {
    const cpu = new Map<string, number>(targets.map((t) => [t.name, 0]));
    for (let i = 0; i < options.requests; i++) {
      for (const target of rotated(targets, round + i)) {
        const fig = out.get(target.name)!;
        const pids = target.pids();
        const cpu0 = pids.length > 0 ? groupCpuMs(pids) : 0;
        const r = await runStream(target.request(options.scenario));
        if (pids.length > 0) cpu.set(target.name, cpu.get(target.name)! + groupCpuMs(pids) - cpu0);
        if (r.ok) fig.samples.push(r.ttfbMs);
        else fig.errors++;
        firstErrors([r], fig.errorSamples);
      }
    }
    for (const target of targets) {
      if (target.pids().length === 0) continue;
      out.get(target.name)!.cpuUsPerRequest.push(cpu.get(target.name)! * 1000 / options.requests);
    }
  }
  return out;
}

/** One long answer as fast as it can go. */
export interface FloodFigure {
  deltasPerSec: number[];
  upstreamMBps: number[];
  clientMBps: number[];
  /** CPU of the path's own processes per delta, µs (empty for direct). */
  cpuUsPerDelta: number[];
  ttlbMs: number[];
  clientBytes: number;
  errors: number;
  errorSamples: string[];
}

/** One flood stream per target per round. */
export async function measureFlood(
  targets: readonly Target[],
  options: { rounds: number; scenario: Scenario },
): Promise<{ figures: Map<string, FloodFigure>; upstreamBytes: number }> {
  const upstreamBytes = buildFrames(options.scenario).bytes;
  const out = new Map<string, FloodFigure>(targets.map((t) => [t.name, {
    deltasPerSec: [],
    upstreamMBps: [],
    clientMBps: [],
    cpuUsPerDelta: [],
    ttlbMs: [],
    clientBytes: 0,
    errors: 0,
    errorSamples: [],
  }]));
  for (let round = 0; round < options.rounds; round++) {
    for (const target of rotated(targets, round)) {
      const fig = out.get(target.name)!;
      const pids = target.pids();
      const cpu0 = groupCpuMs(pids);
      const r = await runStream(target.request(options.scenario));
      const cpu = groupCpuMs(pids) - cpu0;
      if (!r.ok) {
        fig.errors++;
        firstErrors([r], fig.errorSamples);
        continue;
      }
      const seconds = r.ttlbMs / 1000;
      fig.ttlbMs.push(r.ttlbMs);
      fig.deltasPerSec.push(options.scenario.deltas / seconds);
      fig.upstreamMBps.push(upstreamBytes / 1e6 / seconds);
      fig.clientMBps.push(r.bytes / 1e6 / seconds);
      fig.clientBytes = r.bytes;
      if (pids.length > 0) fig.cpuUsPerDelta.push(cpu * 1000 / options.scenario.deltas);
    }
  }
  return { figures: out, upstreamBytes };
}

/** Many concurrent slow streams. */
export interface BurstFigure {
  requests: number;
  ttfb: number[];
  ttlb: number[];
  errors: number;
  errorSamples: string[];
  /** Peak RSS of the path's processes during each burst, KiB. */
  peakRssKiB: number[];
  /** RSS after each burst, KiB. */
  rssAfterKiB: number[];
  /** TTFB of one request sent right after each burst. */
  afterBurstTtfb: number[];
}

/** `concurrency` slow streams at once per target per round. */
export async function measureBursts(
  targets: readonly Target[],
  options: { rounds: number; concurrency: number; scenario: Scenario; probe: Scenario },
): Promise<Map<string, BurstFigure>> {
  const out = new Map<string, BurstFigure>(targets.map((t) => [t.name, {
    requests: 0,
    ttfb: [],
    ttlb: [],
    errors: 0,
    errorSamples: [],
    peakRssKiB: [],
    rssAfterKiB: [],
    afterBurstTtfb: [],
  }]));
  for (let round = 0; round < options.rounds; round++) {
    for (const target of rotated(targets, round)) {
      const fig = out.get(target.name)!;
      const pids = target.pids();
      const sampler = pids.length > 0 ? sampleRss(pids) : undefined;
      const results = await runMany(
        options.concurrency,
        options.concurrency,
        () => target.request(options.scenario),
      );
      const peak = sampler?.stop();
      const probe = await runStream(target.request(options.probe));
      fig.requests += results.length;
      for (const r of results) {
        if (r.ok) {
          fig.ttfb.push(r.ttfbMs);
          fig.ttlb.push(r.ttlbMs);
        } else fig.errors++;
      }
      firstErrors(results, fig.errorSamples);
      if (probe.ok) fig.afterBurstTtfb.push(probe.ttfbMs);
      else {
        fig.errors++;
        firstErrors([probe], fig.errorSamples);
      }
      if (peak !== undefined) {
        fig.peakRssKiB.push(peak);
        fig.rssAfterKiB.push(groupRssKiB(pids));
      }
      // Let sockets settle so one target's teardown does not land in the next one's burst.
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return out;
}

/** RSS while many short requests complete. */
export interface LeakFigure {
  requests: number;
  errors: number;
  errorSamples: string[];
  /** [completed requests, RSS KiB] after each step. */
  series: [number, number][];
  hwmKiB: number;
}

/** `requests` short streams alternating over `targets` (one process), RSS read every `step`. */
export async function measureLeak(
  targets: readonly Target[],
  pid: number,
  options: { requests: number; concurrency: number; step: number; scenario: Scenario },
): Promise<LeakFigure> {
  const fig: LeakFigure = {
    requests: 0,
    errors: 0,
    errorSamples: [],
    series: [[0, memoryKiB(pid).rss]],
    hwmKiB: 0,
  };
  while (fig.requests < options.requests) {
    const n = Math.min(options.step, options.requests - fig.requests);
    const results = await runMany(
      n,
      options.concurrency,
      (i) => targets[i % targets.length].request(options.scenario),
    );
    fig.requests += n;
    fig.errors += results.filter((r) => !r.ok).length;
    firstErrors(results, fig.errorSamples);
    fig.series.push([fig.requests, memoryKiB(pid).rss]);
  }
  fig.hwmKiB = memoryKiB(pid).hwm;
  return fig;
}
