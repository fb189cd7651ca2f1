/**
 * `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape, built
 * from every backend's catalog (docs/backend-protocol.md#model-catalog):
 * visible models, their effort variants (`gpt-5.4-high`), fast-mode
 * variants (`gpt-5.4-fast`, `gpt-5.4-high-fast`) and the configured aliases.
 *
 * @module
 */
import type { Capabilities } from "../capabilities/schema.ts";
import type { ResolvedBackend, ResolvedConfig } from "../config/load_config.ts";
import { mergeCapabilityLayers } from "../capabilities/merge_capability_layers.ts";
import {
  type Catalog,
  type CatalogModel,
  type CatalogSource,
  catalogTiers,
  offersFast,
} from "./catalog.ts";
import type { CatalogService } from "./catalog_service.ts";
import { clientModelId, resolveModel, visibleModels } from "./resolve_model.ts";

/** One model entry: OpenAI's fields plus codexgate's extension fields. */
export interface ModelEntry {
  id: string;
  object: "model";
  /** Epoch seconds: when the catalog was read (the backend gives no creation date). */
  created: number;
  owned_by: string;
  /** The codexgate backend that serves it. */
  backend: string;
  /** The slug sent upstream. */
  upstream_model: string;
  display_name?: string;
  description?: string;
  /** Reasoning efforts the model takes, when the catalog says. */
  reasoning_efforts?: string[];
  default_reasoning_effort?: string;
  /** The effort this name implies (effort-suffixed names). */
  reasoning_effort?: string;
  context_window?: number;
  /** Service tiers the catalog offers besides the standard one (`priority`, `fast`: fast mode). */
  service_tiers?: string[];
  /** The backend's effective `protocol` capability. */
  protocol: string;
  /** The backend's effective default capabilities (a request may override them). */
  capabilities: Readonly<Capabilities>;
  /** The tier this name implies (`priority` for a `-fast` name). */
  service_tier?: string;
  /** For an alias: the name it stands for. */
  alias_for?: string;
  /** Where the backend's catalog came from. */
  catalog_source: CatalogSource;
  [extension: string]: unknown;
}

/** The `/v1/models` answer. */
export interface ModelList {
  object: "list";
  data: ModelEntry[];
}

/** Lists every backend's visible models, their effort variants and the aliases. */
export async function listModels(
  config: ResolvedConfig,
  catalogs: ReadonlyMap<string, CatalogService>,
): Promise<ModelList> {
  const data: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (entry: ModelEntry) => {
    if (seen.has(entry.id)) return;
    seen.add(entry.id);
    data.push(entry);
  };
  const backends = Object.values(config.backends);
  const loaded = await Promise.all(backends.map((b) => catalogs.get(b.name)!.get()));
  backends.forEach((backend, i) => {
    const catalog = loaded[i];
    const slugs = new Set(catalog.models.map((m) => m.slug));
    for (const model of visibleModels(catalog)) {
      const id = clientModelId(model.slug, backend, config);
      // Fast mode by name (`-fast`, after any effort) for the models that offer it.
      const fast = offersFast(model);
      add(modelEntry(id, backend, catalog, model));
      if (fast && !slugs.has(`${model.slug}-fast`)) {
        add(modelEntry(`${id}-fast`, backend, catalog, model, { service_tier: "priority" }));
      }
      for (const effort of efforts(model)) {
        // A real slug of that name wins over the convention.
        if (slugs.has(`${model.slug}-${effort}`)) continue;
        add(modelEntry(`${id}-${effort}`, backend, catalog, model, { reasoning_effort: effort }));
        if (fast && !slugs.has(`${model.slug}-${effort}-fast`)) {
          add(modelEntry(`${id}-${effort}-fast`, backend, catalog, model, {
            reasoning_effort: effort,
            service_tier: "priority",
          }));
        }
      }
    }
  });
  for (const [alias, target] of Object.entries(config.aliases)) {
    try {
      const entry = await retrieveModel(alias, config, catalogs);
      add({ ...entry, alias_for: target });
    } catch {
      // An alias whose target the catalog does not offer is not listed (using it gives a 404).
    }
  }
  return { object: "list", data };
}

/**
 * One entry by the id a client would send (any name `/v1/chat/completions`
 * accepts, hidden models included).
 *
 * @throws {ProxyError} 404 `model_not_found` naming the available models.
 */
export async function retrieveModel(
  id: string,
  config: ResolvedConfig,
  catalogs: ReadonlyMap<string, CatalogService>,
): Promise<ModelEntry> {
  const resolved = await resolveModel(id, config, catalogs);
  const model = resolved.entry ?? { slug: resolved.slug };
  const entry = modelEntry(id, resolved.backend, resolved.catalog, model, {
    reasoning_effort: resolved.effort,
    ...(resolved.fast ? { service_tier: "priority" } : {}),
  });
  if (Object.hasOwn(config.aliases, id)) entry.alias_for = config.aliases[id];
  return entry;
}

function efforts(model: CatalogModel): string[] {
  return (model.supported_reasoning_levels ?? []).map((l) => l.effort).filter((e) =>
    typeof e === "string"
  );
}

function modelEntry(
  id: string,
  backend: ResolvedBackend,
  catalog: Catalog,
  model: CatalogModel,
  extra: { reasoning_effort?: string; service_tier?: string } = {},
): ModelEntry {
  const capabilities = mergeCapabilityLayers(backend.extra.codex.default_capabilities);
  const entry: ModelEntry = {
    id,
    object: "model",
    created: Math.floor(catalog.fetchedAt / 1000),
    owned_by: "openai",
    backend: backend.name,
    upstream_model: model.slug,
    protocol: capabilities.protocol,
    capabilities,
    catalog_source: catalog.source,
  };
  if (model.display_name) entry.display_name = model.display_name;
  if (model.description) entry.description = model.description;
  const levels = efforts(model);
  if (levels.length > 0) entry.reasoning_efforts = levels;
  if (model.default_reasoning_level) entry.default_reasoning_effort = model.default_reasoning_level;
  if (extra.reasoning_effort) entry.reasoning_effort = extra.reasoning_effort;
  if (extra.service_tier) entry.service_tier = extra.service_tier;
  if (typeof model.context_window === "number") entry.context_window = model.context_window;
  const tiers = catalogTiers(model);
  if (tiers.length > 0) entry.service_tiers = tiers;
  return entry;
}
