/**
 * Turns zod issues into one-line messages that name the YAML/JSON path, what
 * was expected and what was found.
 *
 * @module
 */
import type { z } from "zod";

/** Formats one zod issue as `a.b.c: expected …, got …`. */
export function formatIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  const path = [...prefix, ...issue.path].map(String).join(".") || "(root)";
  const got = "input" in issue && issue.input !== undefined
    ? `, got ${JSON.stringify(issue.input)}`
    : "";
  switch (issue.code) {
    case "invalid_value":
      return `${path}: expected one of ${issue.values.map(String).join(", ")}${got}`;
    case "unrecognized_keys":
      return `${path ? path + ": " : ""}unknown key${issue.keys.length > 1 ? "s" : ""} ${
        issue.keys.map((k) => JSON.stringify(k)).join(", ")
      }`.replace(/^\(root\): /, "");
    case "invalid_type":
      return `${path}: expected ${issue.expected}${got}`;
    default:
      return `${path}: ${issue.message}${got}`;
  }
}

/** Formats every issue, one per line. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): string {
  return issues.map((i) => formatIssue(i, prefix)).join("\n");
}
