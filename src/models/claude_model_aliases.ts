/**
 * Built-in aliases for Anthropic model names, so Claude Code and Anthropic SDK
 * clients work with no config: `claude-*` names route by family. Config
 * `aliases` win: an exact name, or a family key (`claude-opus`,
 * `claude-sonnet`, `claude-haiku`, or `claude` for any other `claude-*`).
 *
 * @module
 */

/** Family key → Codex model, used when config `aliases` does not name the family. */
export const CLAUDE_FAMILY_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  "claude-opus": "gpt-5.4",
  "claude-sonnet": "gpt-5.4",
  "claude-haiku": "gpt-5.4-mini",
  "claude": "gpt-5.4",
});

const CLAUDE_NAME = /^claude-(?:.*?\b(opus|sonnet|haiku)\b)?/i;

/**
 * The model a `claude-*` name stands for, or undefined when the name is not a
 * Claude name or config `aliases` maps it exactly (then the config alias applies).
 *
 * @example
 * ```ts
 * claudeModelAlias("claude-3-5-haiku-20241022", {}); // "gpt-5.4-mini"
 * claudeModelAlias("claude-sonnet-4-5", { "claude-sonnet": "gpt-5.5" }); // "gpt-5.5"
 * ```
 */
export function claudeModelAlias(
  name: string,
  aliases: Readonly<Record<string, string>>,
): string | undefined {
  if (Object.hasOwn(aliases, name)) return undefined;
  const match = CLAUDE_NAME.exec(name);
  if (!match) return undefined;
  const family = match[1] ? `claude-${match[1].toLowerCase()}` : "claude";
  if (Object.hasOwn(aliases, family)) return aliases[family];
  return CLAUDE_FAMILY_DEFAULTS[family];
}
