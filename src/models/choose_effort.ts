/**
 * The reasoning effort that goes upstream: the client's when the model
 * offers it, else the nearest level the catalog offers. Public OpenAI clients
 * send `none` and `minimal` (the Agents SDK by default), which the plan's
 * backend refuses for models that do not list them; a client asking for
 * little reasoning gets the least the model has, never an error.
 * See docs/compatibility.md.
 *
 * @module
 */
import { badRequest } from "../errors.ts";
import type { CatalogModel } from "./catalog.ts";

/** Efforts with a known meaning, least reasoning first. */
export const EFFORT_SCALE: readonly string[] = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
  "ultra",
];

/** What the client asked and what goes upstream. */
export interface EffortChoice {
  requested: string;
  used: string;
}

/**
 * Chooses the effort for `model`. An effort the catalog lists is used as is;
 * a known one it does not list becomes the offered level nearest to it on
 * {@link EFFORT_SCALE} (the lower of two equally near), so `none` and
 * `minimal` become the lowest offered level and `xhigh` the highest. A model
 * the catalog does not describe takes any effort (the backend decides).
 *
 * @throws {ProxyError} 400 `unsupported_reasoning_effort` for an effort with no
 * known meaning that the model does not list, naming the levels it does.
 */
export function chooseEffort(
  effort: string | undefined,
  options: { model: CatalogModel | undefined; param: string },
): EffortChoice | undefined {
  if (effort === undefined) return undefined;
  const levels = options.model?.supported_reasoning_levels?.map((l) => l.effort) ?? [];
  if (levels.length === 0 || levels.includes(effort)) return { requested: effort, used: effort };
  const nearest = nearestLevel(effort, levels);
  if (nearest !== undefined) return { requested: effort, used: nearest };
  throw badRequest(
    `Reasoning effort ${JSON.stringify(effort)} is not supported by ${options.model!.slug}; ` +
      `use one of ${levels.join(", ")}`,
    { param: options.param, code: "unsupported_reasoning_effort" },
  );
}

function nearestLevel(effort: string, levels: readonly string[]): string | undefined {
  const rank = EFFORT_SCALE.indexOf(effort);
  if (rank < 0) return undefined;
  let best: { level: string; distance: number; rank: number } | undefined;
  for (const level of levels) {
    const r = EFFORT_SCALE.indexOf(level);
    if (r < 0) continue;
    const distance = Math.abs(r - rank);
    if (!best || distance < best.distance || (distance === best.distance && r < best.rank)) {
      best = { level, distance, rank: r };
    }
  }
  return best?.level;
}
