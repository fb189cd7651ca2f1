/**
 * Tool-call reactor rules (config `extra.codex.reactor_rules`): checked when
 * the config loads (config/schema.ts), compiled once per backend when the app
 * starts, then matched against a tool call's name and arguments.
 *
 * @module
 */

/** What a reactor rule does with a matching call. */
export const REACTOR_ACTIONS = ["block", "rewrite", "log"] as const;

/** One tool-call reactor rule as written in the config. */
export interface ReactorRule {
  name?: string;
  /** A tool name, or a regex between slashes. */
  tool: string;
  argument_path?: string;
  pattern?: string;
  action: (typeof REACTOR_ACTIONS)[number];
  message?: string;
  rename_to?: string;
  replace_with?: string;
}

/** A rule, ready to match. */
export interface CompiledRule {
  /** The rule's name, or `rule <n>` (1-based). */
  name: string;
  action: ReactorRule["action"];
  /** Whether the tool name is the rule's (exact name, or its `/regex/`). */
  matchesTool(name: string): boolean;
  /** Undefined: the rule matches every call of its tool, no arguments needed. */
  pattern?: RegExp;
  /** Path segments into the parsed arguments; undefined: every string in them. */
  path?: string[];
  message?: string;
  renameTo?: string;
  replaceWith?: string;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Compiles one rule.
 *
 * @throws {Error} naming what is wrong (bad regex, a rewrite that changes nothing, …).
 */
export function compileReactorRule(rule: ReactorRule, index: number): CompiledRule {
  const name = rule.name ?? `rule ${index + 1}`;
  const toolRegex = /^\/(.+)\/([a-z]*)$/.exec(rule.tool);
  let matchesTool: (tool: string) => boolean;
  if (toolRegex) {
    const re = regex(toolRegex[1], toolRegex[2], "tool");
    matchesTool = (tool) => re.test(tool);
  } else {
    matchesTool = (tool) => tool === rule.tool;
  }
  const compiled: CompiledRule = { name, action: rule.action, matchesTool };
  if (rule.pattern !== undefined) compiled.pattern = regex(rule.pattern, "", "pattern");
  if (rule.argument_path !== undefined) {
    if (rule.argument_path.trim() === "") throw new Error("argument_path: must not be empty");
    compiled.path = rule.argument_path.split(".");
  }
  if (rule.action === "rewrite") {
    if (rule.rename_to === undefined && rule.replace_with === undefined) {
      throw new Error("a rewrite rule needs rename_to, replace_with or both");
    }
    if (rule.replace_with !== undefined && compiled.path === undefined) {
      throw new Error("replace_with needs argument_path (the value to replace)");
    }
  }
  if (rule.rename_to !== undefined) {
    if (rule.action !== "rewrite") throw new Error("rename_to only applies to action: rewrite");
    if (!TOOL_NAME.test(rule.rename_to)) {
      throw new Error("rename_to: a tool name is 1-64 characters of a-z, A-Z, 0-9, _ and -");
    }
    compiled.renameTo = rule.rename_to;
  }
  if (rule.replace_with !== undefined) compiled.replaceWith = rule.replace_with;
  if (rule.message !== undefined) compiled.message = rule.message;
  return compiled;
}

/** Compiles a rule list; the config schema already refused bad rules. */
export function compileReactorRules(rules: readonly ReactorRule[]): CompiledRule[] {
  return rules.map(compileReactorRule);
}

function regex(source: string, flags: string, what: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new Error(`${what}: not a valid regular expression: ${(err as Error).message}`);
  }
}

/** Parsed arguments of a call: JSON for function calls, the raw text otherwise. */
export type CallArguments = { json: unknown; ok: true } | { text: string; ok: false };

/** Parses a call's argument text. Freeform (custom tool) input stays text. */
export function parseArguments(text: string, freeform: boolean): CallArguments {
  if (freeform) return { text, ok: false };
  try {
    return { json: JSON.parse(text), ok: true };
  } catch {
    return { text, ok: false };
  }
}

/**
 * Whether the rule's pattern matches the call's arguments. The subject is the
 * value at `argument_path` (an argv-like list of strings is joined with
 * spaces; another non-string as JSON); without a path, every string and
 * string list anywhere in the arguments, and the raw text, are tried.
 */
export function patternMatches(rule: CompiledRule, args: CallArguments, raw: string): boolean {
  const pattern = rule.pattern;
  if (!pattern) return true;
  if (!args.ok) return rule.path === undefined && pattern.test(raw);
  if (rule.path) {
    const value = valueAt(args.json, rule.path);
    return value !== undefined && pattern.test(subjectText(value));
  }
  return pattern.test(raw) || stringsIn(args.json).some((s) => pattern.test(s));
}

function subjectText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(" ");
  return JSON.stringify(value);
}

function stringsIn(value: unknown, depth = 0): string[] {
  if (typeof value === "string") return [value];
  if (depth > 8 || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) {
    const nested = value.flatMap((v) => stringsIn(v, depth + 1));
    return value.every((v) => typeof v === "string") ? [value.join(" "), ...nested] : nested;
  }
  return Object.values(value).flatMap((v) => stringsIn(v, depth + 1));
}

/** The value at a dotted path (`command`, `command.0`), or undefined. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Applies a rewrite rule's `replace_with` to parsed arguments and returns the
 * new argument text, or undefined when there is nothing to replace. A string
 * value with a pattern gets every match replaced (`$1` works); any other value
 * becomes `replace_with` (parsed as JSON when it is JSON, e.g. `["true"]`).
 */
export function replaceArgument(rule: CompiledRule, args: CallArguments): string | undefined {
  if (!args.ok || rule.replaceWith === undefined || !rule.path) return undefined;
  const path = rule.path;
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  const root = structuredClone(args.json);
  const parent = parentPath.length === 0 ? root : valueAt(root, parentPath);
  if (parent === null || typeof parent !== "object" || !Object.hasOwn(parent, key)) {
    return undefined;
  }
  const record = parent as Record<string, unknown>;
  const old = record[key];
  if (typeof old === "string" && rule.pattern) {
    record[key] = old.replace(new RegExp(rule.pattern.source, "g"), rule.replaceWith);
  } else {
    record[key] = jsonOrText(rule.replaceWith);
  }
  return JSON.stringify(root);
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
