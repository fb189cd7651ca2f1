/**
 * Fetches and caches one backend's model catalog, with fallbacks, and answers
 * the questions the pipeline asks of it (instructions, efforts, listing).
 *
 * @module
 */
import { joinPath as join } from "../core/path.ts";
import type { CredentialService } from "../auth/credential_service.ts";
import type { ResolvedBackend } from "../config/load_config.ts";
import type { Logger } from "../log.ts";
import type { HostInfo } from "../upstream/headers.ts";
import { catalogRequest } from "./catalog_request.ts";
import { type Catalog, type CatalogModel, FALLBACK_INSTRUCTIONS, parseCatalog } from "./catalog.ts";

/** Dependencies of {@link CatalogService}. */
export interface CatalogServiceDeps {
  fetch: typeof fetch;
  now: () => number;
  credentials: CredentialService;
  codexHome?: string;
  host: HostInfo;
  logger: Logger;
  newId: () => string;
}

/** One backend's catalog: live with TTL → models_cache.json → configured list. */
export class CatalogService {
  readonly #backend: ResolvedBackend;
  readonly #deps: CatalogServiceDeps;
  #cached?: Catalog;
  #inflight?: Promise<Catalog>;
  /** The last read of models_cache.json (parsed), and the file's mtime and size then. */
  #cliCache?: { version: string; models: CatalogModel[] | undefined };

  constructor(backend: ResolvedBackend, deps: CatalogServiceDeps) {
    this.#backend = backend;
    this.#deps = deps;
  }

  /** The catalog, fetched at most once per TTL (concurrent callers share one fetch). */
  get(): Promise<Catalog> {
    const ttl = this.#backend.catalog_ttl_seconds * 1000;
    if (this.#cached?.source === "live" && this.#deps.now() - this.#cached.fetchedAt < ttl) {
      return Promise.resolve(this.#cached);
    }
    // A fallback catalog is retried sooner than a live one, but not on every request.
    if (
      this.#cached && this.#cached.source !== "live" &&
      this.#deps.now() - this.#cached.fetchedAt < 30_000
    ) {
      return Promise.resolve(this.#cached);
    }
    this.#inflight ??= this.#load().finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  /** The model's entry, when the catalog knows it. */
  async find(slug: string): Promise<CatalogModel | undefined> {
    return (await this.get()).models.find((m) => m.slug === slug);
  }

  /** The model's default instructions: catalog, then CLI cache, then our own text. */
  async baseInstructions(slug: string): Promise<string> {
    const model = await this.find(slug);
    if (model?.base_instructions && model.base_instructions.trim() !== "") {
      return model.base_instructions;
    }
    const cached = this.#cliModels()?.find((m) => m.slug === slug);
    if (cached?.base_instructions && cached.base_instructions.trim() !== "") {
      return cached.base_instructions;
    }
    return FALLBACK_INSTRUCTIONS;
  }

  async #load(): Promise<Catalog> {
    const now = this.#deps.now();
    try {
      const models = await this.#fetchLive();
      this.#cached = { models, source: "live", fetchedAt: now };
      return this.#cached;
    } catch (err) {
      this.#deps.logger.warn("model catalog unavailable, using a fallback", {
        backend: this.#backend.name,
        error: (err as Error).message,
      });
    }
    const cli = this.#cliModels({ fresh: true });
    this.#cached = cli ? { models: cli, source: "models_cache.json", fetchedAt: now } : {
      models: this.#backend.models.map((slug) => ({ slug, visibility: "list" })),
      source: "configured list",
      fetchedAt: now,
    };
    return this.#cached;
  }

  async #fetchLive(): Promise<CatalogModel[]> {
    const credentials = await this.#deps.credentials.get(this.#backend.name);
    const { url, headers } = catalogRequest(this.#backend, {
      credentials,
      host: this.#deps.host,
      requestId: this.#deps.newId(),
    });
    const res = await this.#deps.fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`catalog answered ${res.status}`);
    }
    const models = parseCatalog(await res.json());
    if (!models) throw new Error("catalog answer has no models list");
    return models;
  }

  /**
   * models_cache.json's models, read and parsed again only when the file
   * changed (its modification time or size) or the catalog is being loaded:
   * a stat per request instead of a read and parse on the event loop when
   * the catalog carries no instructions.
   */
  #cliModels(options: { fresh?: boolean } = {}): CatalogModel[] | undefined {
    if (!this.#deps.codexHome) return undefined;
    let version: string;
    try {
      const info = Deno.statSync(join(this.#deps.codexHome, "models_cache.json"));
      version = `${info.mtime?.getTime()}:${info.size}`;
    } catch {
      this.#cliCache = undefined;
      return undefined;
    }
    if (!options.fresh && this.#cliCache?.version === version) return this.#cliCache.models;
    this.#cliCache = { version, models: this.#readCliCache() };
    return this.#cliCache.models;
  }

  #readCliCache(): CatalogModel[] | undefined {
    if (!this.#deps.codexHome) return undefined;
    try {
      return parseCatalog(
        JSON.parse(Deno.readTextFileSync(join(this.#deps.codexHome, "models_cache.json"))),
      );
    } catch {
      return undefined;
    }
  }
}
