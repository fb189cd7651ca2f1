/**
 * A requested model name → backend, upstream slug and effort, checked
 * against that backend's catalog (docs/backend-protocol.md#model-catalog).
 * Unknown or retired slugs get a
 * 404 `model_not_found` that names what is available.
 *
 * @module
 */
import type { ResolvedBackend, ResolvedConfig } from "../config/load_config.ts";
import { ProxyError } from "../errors.ts";
import type { Catalog, CatalogModel } from "./catalog.ts";
import type { CatalogService } from "./catalog_service.ts";
import { type ModelRoute, routeModel } from "./route_model.ts";

/** A route the catalog agrees with. */
export interface ResolvedModel extends ModelRoute {
  /** The catalog entry, when the catalog knows the slug. */
  entry?: CatalogModel;
  catalog: Catalog;
  /** The model's default Codex instructions (catalog, the CLI's cache, or codexgate's fallback). */
  baseInstructions: string;
}

/**
 * Routes `name` and checks it against the backend's catalog.
 *
 * With a live or cached (`models_cache.json`) catalog the slug must be in it
 * (hidden models count: they are usable, just not listed). With only the
 * configured list, which is a guess, the name goes through and the backend
 * decides; its "model not found" is mapped to the same 404.
 *
 * @throws {ProxyError} 404 `model_not_found` naming the available models.
 */
export async function resolveModel(
  name: string,
  config: ResolvedConfig,
  catalogs: ReadonlyMap<string, CatalogService>,
): Promise<ResolvedModel> {
  const route = routeModel(name, config);
  const service = catalogs.get(route.backend.name)!;
  const catalog = await service.get();
  const find = (slug: string) => catalog.models.find((m) => m.slug === slug);
  const resolved = async (found: ModelRoute): Promise<ResolvedModel> => ({
    ...found,
    entry: find(found.slug),
    catalog,
    baseInstructions: await service.baseInstructions(found.slug),
  });
  // A catalog slug that happens to end like a suffix (`x-high`, `x-fast`) is taken whole.
  if (route.fast) {
    const whole = `${route.slug}${route.effort ? `-${route.effort}` : ""}-fast`;
    if (find(whole)) return await resolved({ backend: route.backend, slug: whole });
  }
  if (route.effort && find(`${route.slug}-${route.effort}`)) {
    const fast = route.fast ? { fast: route.fast } : {};
    return await resolved({
      backend: route.backend,
      slug: `${route.slug}-${route.effort}`,
      ...fast,
    });
  }
  const entry = find(route.slug);
  if (catalog.source === "configured list") return await resolved(route);
  if (!entry) {
    throw modelNotFound(
      `The model \`${name}\` is not offered by the Codex backend (${route.backend.name}).`,
      route.backend,
      config,
      catalog,
    );
  }
  // A suffix effort the model does not list is mapped to a level it does (choose_effort.ts).
  return await resolved(route);
}

/** Listed (visible) slugs of a catalog, best first. */
export function visibleModels(catalog: Catalog): CatalogModel[] {
  return catalog.models
    .filter((m) => m.visibility !== "hide")
    .sort((a, b) => (a.priority ?? 1e9) - (b.priority ?? 1e9));
}

/** The id a client uses for a slug of `backend` (`<backend>:` unless it is the default). */
export function clientModelId(
  slug: string,
  backend: ResolvedBackend,
  config: ResolvedConfig,
): string {
  return backend.name === config.default_backend ? slug : `${backend.name}:${slug}`;
}

/** 404 `model_not_found` whose message ends with the available models. */
export function modelNotFound(
  lead: string,
  backend: ResolvedBackend,
  config: ResolvedConfig,
  catalog: Catalog,
): ProxyError {
  const ids = visibleModels(catalog).map((m) => clientModelId(m.slug, backend, config));
  const available = ids.length > 0 ? ids.join(", ") : "none (the catalog is empty)";
  return new ProxyError(
    404,
    `${lead} Available models: ${available} (also with an effort suffix such as -high; see GET /v1/models).`,
    { code: "model_not_found", param: "model" },
  );
}

/**
 * Adds the available models to a backend's own "model not found" (when the
 * configured list let an unknown name through).
 */
export function withAvailableModels(
  error: unknown,
  model: ResolvedModel,
  config: ResolvedConfig,
): unknown {
  if (
    !(error instanceof ProxyError) || error.code !== "model_not_found" ||
    error.message.includes("Available models:")
  ) {
    return error;
  }
  const listed = modelNotFound(error.message, model.backend, config, model.catalog);
  return new ProxyError(404, listed.message, {
    code: "model_not_found",
    param: "model",
    headers: error.headers,
  });
}
