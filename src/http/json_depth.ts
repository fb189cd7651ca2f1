/**
 * How deep a parsed JSON value nests, checked without recursion (the point
 * is to refuse values so deep that recursive code, `JSON.stringify` included,
 * would run out of stack).
 *
 * @module
 */

/**
 * True when `value` nests arrays/objects more than `max` levels deep
 * (`{}` and `[]` are level 1). Stops at the first value past the limit.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > max) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}
