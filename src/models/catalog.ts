/**
 * The backend's model catalog (docs/backend-protocol.md#model-catalog):
 * live, cached with a TTL, then the
 * Codex CLI's `models_cache.json`, then the configured list.
 *
 * @module
 */

/** One model as the catalog describes it (lenient). */
export interface CatalogModel {
  slug: string;
  display_name?: string;
  description?: string;
  default_reasoning_level?: string;
  supported_reasoning_levels?: { effort: string; description?: string }[];
  visibility?: string;
  supported_in_api?: boolean;
  priority?: number;
  context_window?: number;
  base_instructions?: string;
  [key: string]: unknown;
}

/** Where a catalog came from. */
export type CatalogSource = "live" | "models_cache.json" | "configured list";

/** A catalog snapshot. */
export interface Catalog {
  models: CatalogModel[];
  source: CatalogSource;
  fetchedAt: number;
}

/**
 * Our own fallback instructions, used only when neither the catalog nor the
 * CLI's cache can give the model's text. The backend needs a non-empty value.
 */
export const FALLBACK_INSTRUCTIONS =
  "You are a coding assistant reached through codexgate. Answer the user's request " +
  "accurately and concisely. When tools are available, call them with valid JSON " +
  "arguments and use their results; do not invent results.";

/** Parses a catalog answer or `models_cache.json`: `{models: [...]}`. */
export function parseCatalog(raw: unknown): CatalogModel[] | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const models = (raw as { models?: unknown }).models;
  if (!Array.isArray(models)) return undefined;
  return models.filter((m): m is CatalogModel =>
    !!m && typeof m === "object" && typeof (m as CatalogModel).slug === "string"
  );
}

/**
 * The service tier ids a catalog entry lists (`service_tiers` ids and
 * `additional_speed_tiers`; docs/backend-protocol.md#fast-mode).
 */
export function catalogTiers(entry: CatalogModel): string[] {
  const ids: string[] = [];
  if (Array.isArray(entry.service_tiers)) {
    for (const tier of entry.service_tiers) {
      if (typeof tier === "string") ids.push(tier);
      else if (tier && typeof tier === "object" && typeof tier.id === "string") ids.push(tier.id);
    }
  }
  if (Array.isArray(entry.additional_speed_tiers)) {
    ids.push(...entry.additional_speed_tiers.filter((t): t is string => typeof t === "string"));
  }
  return [...new Set(ids)];
}

/** Service-tier names that mean fast mode (the catalog lists `priority`, the Codex CLI says `fast`). */
export const FAST_VALUES: ReadonlySet<string> = new Set(["fast", "priority"]);

/** Whether a catalog entry offers the priority tier; unknown (no entry) counts as yes. */
export function offersFast(entry: CatalogModel | undefined): boolean {
  if (!entry) return true;
  return catalogTiers(entry).some((t) => FAST_VALUES.has(t));
}
