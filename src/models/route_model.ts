/**
 * Model name → backend + upstream slug (+ effort from a suffix).
 *
 * @module
 */
import type { ResolvedBackend, ResolvedConfig } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import { claudeModelAlias } from "./claude_model_aliases.ts";

/** Where a requested model goes. */
export interface ModelRoute {
  backend: ResolvedBackend;
  slug: string;
  /** Effort from a suffix such as `-high`. */
  effort?: string;
  /** The name ended in `-fast`: fast mode (docs/clients.md#fast-mode). */
  fast?: true;
}

/** Effort levels the backend knows, recognised as model-name suffixes. */
export const EFFORT_LEVELS = ["none", "minimal", "low", "medium", "high", "xhigh"] as const;

const EFFORT_SUFFIX = new RegExp(`^(.+)-(${EFFORT_LEVELS.join("|")})$`);

/** Fast mode as a model-name suffix: `gpt-5.4-fast`, `gpt-5.4-high-fast`. */
const FAST_SUFFIX = /^(.+)-fast$/;

/**
 * Routes a model name: config `aliases` first (built-in `claude-*` family
 * aliases when config names none), then `openai-codex:<slug>` (the
 * first backend of that type), `<backend>:<slug>`, or a bare slug (the
 * default backend); a `-fast` suffix, then an effort suffix, are split off.
 *
 * @throws {ProxyError} 404 for an unknown backend prefix.
 */
export function routeModel(name: string, config: ResolvedConfig): ModelRoute {
  const aliased = resolveAlias(claudeModelAlias(name, config.aliases) ?? name, config.aliases);
  let backend = config.backends[config.default_backend];
  let slug = aliased;
  const colon = aliased.indexOf(":");
  if (colon > 0) {
    const prefix = aliased.slice(0, colon);
    slug = aliased.slice(colon + 1);
    const named = config.backends[prefix] ??
      Object.values(config.backends).find((b) => b.type === prefix);
    if (!named) {
      throw new ProxyError(
        404,
        `The model \`${name}\` names an unknown backend \`${prefix}\`; configured backends: ${
          Object.keys(config.backends).join(", ")
        } (or the type prefix openai-codex).`,
        { code: "model_not_found", param: "model" },
      );
    }
    backend = named;
  }
  const aliasedSlug = resolveAlias(slug, config.aliases);
  if (aliasedSlug !== slug && !aliasedSlug.includes(":")) slug = aliasedSlug;
  const fast = FAST_SUFFIX.exec(slug);
  const flag = fast ? { fast: true as const } : {};
  if (fast) slug = fast[1];
  const match = EFFORT_SUFFIX.exec(slug);
  if (match) return { backend, slug: match[1], effort: match[2], ...flag };
  return { backend, slug, ...flag };
}

function resolveAlias(name: string, aliases: Readonly<Record<string, string>>): string {
  let current = name;
  // Aliases may chain; a loop is cut after a few hops.
  for (let i = 0; i < 5 && Object.hasOwn(aliases, current); i++) current = aliases[current];
  return current;
}
