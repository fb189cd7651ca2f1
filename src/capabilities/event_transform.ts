/**
 * A dialect-agnostic rewrite of the backend's event stream, applied before
 * any frontend sees it (tool-call reactor, tool calls as text). One instance
 * per request holds that request's state.
 *
 * @module
 */
import type { UpstreamEvent } from "../upstream/events.ts";

/** Takes one upstream event, gives the events to pass on (none, it, or others). */
export interface EventTransform {
  push(event: UpstreamEvent): UpstreamEvent[];
}

/** Chains transforms: each one's output feeds the next. */
export function composeTransforms(transforms: readonly EventTransform[]): EventTransform {
  if (transforms.length === 1) return transforms[0];
  return {
    push(event) {
      let events = [event];
      for (const t of transforms) events = events.flatMap((e) => t.push(e));
      return events;
    },
  };
}

/**
 * Runs a batch through a transform. An event passed on unchanged (same
 * object) keeps its original JSON text, so verbatim streaming stays verbatim.
 */
export function transformBatch(
  transform: EventTransform,
  batch: readonly { event: UpstreamEvent; raw: string }[],
): { event: UpstreamEvent; raw: string }[] {
  const out: { event: UpstreamEvent; raw: string }[] = [];
  for (const entry of batch) {
    for (const event of transform.push(entry.event)) {
      out.push({ event, raw: event === entry.event ? entry.raw : JSON.stringify(event) });
    }
  }
  return out;
}
