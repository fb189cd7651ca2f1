/**
 * std-style assertion names over `node:assert/strict` (jsr:@std/assert is not
 * reachable from here).
 *
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Asserts `condition` is truthy. */
export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

/** Asserts deep strict equality. */
export function assertEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Asserts deep strict inequality. */
export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** Asserts `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  nodeAssert.match(text, pattern, message);
}

/** Asserts `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, message?: string): void {
  nodeAssert.ok(
    text.includes(part),
    message ?? `expected ${JSON.stringify(text.slice(0, 500))} to include ${JSON.stringify(part)}`,
  );
}

/** Asserts the async function rejects; returns the error. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  message?: string,
): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new nodeAssert.AssertionError({ message: message ?? "expected a rejection" });
}

/** Asserts the function throws; returns the error. */
export function assertThrows(fn: () => unknown, message?: string): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new nodeAssert.AssertionError({ message: message ?? "expected a throw" });
}
