/**
 * How deep a parsed JSON value nests. The point is to refuse values so deep
 * that recursive code (`JSON.stringify` included) would run out of stack;
 * this check recurses too, but never deeper than the limit it checks.
 *
 * @module
 */

/**
 * True when `value` nests arrays/objects more than `max` levels deep
 * (`{}` and `[]` are level 1). Stops at the first value past the limit.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  return exceeds(value, max);
}

/** Whether `value` holds more than `levelsLeft` levels of arrays/objects. */
function exceeds(value: unknown, levelsLeft: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (levelsLeft === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === "object" && item !== null && exceeds(item, levelsLeft - 1)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === "object" && item !== null && exceeds(item, levelsLeft - 1)) return true;
  }
  return false;
}
