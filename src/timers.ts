/**
 * Cancellable timers without `setTimeout`: in Deno 2.9 the global
 * `setTimeout` is Node's (`Timeout` objects), and its first call loads much
 * of Deno's Node compatibility layer (~20 ms and ~3 MB, paid by the first
 * request; docs/operations.md#memory). Every timer of the serving path (body,
 * upstream and idle limits, retry waits, pings, WebSocket limits, the limits
 * poll) goes through here.
 *
 * All timers share one runtime timer (`AbortSignal.timeout`) armed for the
 * earliest deadline, for at most a second at a time. A cancelled timer is
 * only forgotten: the runtime timer still fires at its time, finds nothing
 * due, and arms the next deadline. Like `setTimeout`, a pending timer keeps
 * the process alive; a cancelled one does so for at most a second.
 *
 * @module
 */

/** A started timer. */
export interface Timer {
  /** Stops it; calling it again, or after it fired, does nothing. */
  cancel(): void;
}

interface Entry {
  at: number;
  fn: () => void;
}

const pending = new Set<Entry>();
/** The deadline of the newest runtime timer still to fire (Infinity when none). */
let armedFor = Infinity;

/** Calls `fn` once after `ms` milliseconds unless cancelled first. */
export function startTimer(ms: number, fn: () => void): Timer {
  const entry: Entry = { at: performance.now() + Math.max(0, ms), fn };
  pending.add(entry);
  arm(entry.at);
  return { cancel: () => void pending.delete(entry) };
}

/**
 * The longest a runtime timer is armed for. A runtime timer cannot be
 * cancelled, and while it waits it keeps the process alive: armed for a
 * cancelled 10-minute deadline it would hold a finished script (a test, an
 * embedding) for 10 minutes. Armed in steps of at most a second, the process
 * can end within a second of its last timer's cancel, for one wake-up a second
 * while a long timer is pending.
 */
const MAX_ARM_MS = 1000;

/** Makes sure a runtime timer fires no later than `at`. */
function arm(at: number): void {
  const now = performance.now();
  const wake = Math.min(at, now + MAX_ARM_MS);
  if (wake >= armedFor) return;
  armedFor = wake;
  const signal = AbortSignal.timeout(Math.max(0, Math.ceil(wake - now)));
  signal.addEventListener("abort", () => {
    if (armedFor === wake) armedFor = Infinity;
    fire();
  }, { once: true });
}

/** Runs every due timer and arms the runtime timer for the next one. */
function fire(): void {
  // Runtime timers have millisecond resolution: a deadline within 1 ms is due.
  const now = performance.now() + 1;
  const due: Entry[] = [];
  let next = Infinity;
  for (const entry of pending) {
    if (entry.at <= now) due.push(entry);
    else if (entry.at < next) next = entry.at;
  }
  for (const entry of due) pending.delete(entry);
  if (next !== Infinity) arm(next);
  for (const entry of due) {
    try {
      entry.fn();
    } catch (err) {
      // As an error thrown in a setTimeout callback: reported, and the other timers still run.
      reportError(err);
    }
  }
}
