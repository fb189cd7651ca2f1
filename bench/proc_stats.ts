/**
 * Linux /proc readers for the processes under test: CPU time, resident
 * memory (current and peak), child processes (nginx workers), and a sampler
 * that records the peak RSS during a phase.
 *
 * @module
 */

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
export const CLOCK_TICKS = 100;

/** utime + stime of a process in milliseconds (all its threads, also exited ones). */
export function cpuMs(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 here, 0-based).
    return (Number(fields[11]) + Number(fields[12])) * 1000 / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Resident memory of a process in KiB: now (VmRSS) and peak (VmHWM). */
export function memoryKiB(pid: number): { rss: number; hwm: number } {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const read = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1]);
    return { rss: read("VmRSS") || 0, hwm: read("VmHWM") || 0 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Direct children of a process (e.g. nginx's workers). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`).trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch { /* process gone */ }
  return out;
}

/** A process and its children: the unit measured (nginx = master + workers). */
export function processGroup(pid: number): number[] {
  return [pid, ...childPids(pid)];
}

/** Sum of {@link cpuMs} over a group. */
export function groupCpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
}

/** Sum of current RSS over a group, KiB. */
export function groupRssKiB(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + memoryKiB(pid).rss, 0);
}

/** Samples the group's RSS every `everyMs` until stopped; returns the peak in KiB. */
export function sampleRss(pids: readonly number[], everyMs = 25): { stop: () => number } {
  let peak = groupRssKiB(pids);
  const timer = setInterval(() => {
    peak = Math.max(peak, groupRssKiB(pids));
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, groupRssKiB(pids));
    },
  };
}
