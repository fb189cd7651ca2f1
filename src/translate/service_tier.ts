/**
 * Fast mode (docs/clients.md#fast-mode): what the client asked for — a
 * `service_tier` of `fast` or `priority`, a `-fast` model name, or the
 * backend's `service_tier` capability — against what the model's catalog
 * entry offers. Only `priority` ever goes upstream.
 *
 * @module
 */
import { badRequest } from "../errors.ts";
import { type CatalogModel, catalogTiers, FAST_VALUES, offersFast } from "../models/catalog.ts";

/** What decides the tier of one request. */
export interface ServiceTierInput {
  /** The client's `service_tier` field, as sent. */
  requested?: string;
  /** The model name ended in `-fast`. */
  fastSuffix?: boolean;
  /** The effective `service_tier` capability. */
  capability: "default" | "fast";
  /** The model's catalog entry (absent with only the configured list: the backend decides). */
  entry?: CatalogModel;
  /** The upstream slug, for the error message. */
  slug: string;
}

/** The client values that mean fast mode. */

/**
 * Takes a client's `service_tier` into the request: kept for translate, and
 * named among the dropped parameters unless it asks for fast mode (no other
 * tier ever goes upstream).
 */
export function takeServiceTier(
  value: unknown,
  request: { service_tier?: string; dropped: string[] },
): void {
  if (value === undefined || value === null) return;
  if (typeof value === "string") request.service_tier = value;
  if (typeof value !== "string" || !FAST_VALUES.has(value.trim().toLowerCase())) {
    request.dropped.push("service_tier");
  }
}

/**
 * The tier to send: `priority`, or undefined for the standard tier.
 *
 * @throws {ProxyError} 400 when the client asked for fast mode and the model does not offer it.
 */
export function chooseServiceTier(input: ServiceTierInput): "priority" | undefined {
  const requested = input.requested?.trim().toLowerCase();
  const asked = input.fastSuffix === true ||
    (requested !== undefined && FAST_VALUES.has(requested));
  // `auto` (or nothing) leaves it to the backend's default; any other value is the standard tier.
  const byDefault = !asked && (requested === undefined || requested === "auto") &&
    input.capability === "fast";
  if (!asked && !byDefault) return undefined;
  if (offersFast(input.entry)) return "priority";
  // A default is only a preference: models without fast mode just run at the standard tier.
  if (byDefault) return undefined;
  throw badRequest(
    `The model \`${input.slug}\` does not offer fast mode (service_tier \`fast\`/\`priority\`); ` +
      `its catalog entry lists ${
        listedTiers(input.entry)
      }. Drop \`service_tier\` or the -fast suffix, ` +
      `or pick a model whose service_tiers include priority (see GET /v1/models).`,
    { param: "service_tier", code: "unsupported_value" },
  );
}

function listedTiers(entry: CatalogModel | undefined): string {
  const ids = entry ? catalogTiers(entry) : [];
  return ids.length > 0 ? `only ${ids.join(", ")}` : "no service tiers";
}
