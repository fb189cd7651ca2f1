/**
 * Anthropic's `thinking` and `output_config.effort` → the backend's
 * `reasoning` settings.
 *
 * | Anthropic                                   | reasoning                     |
 * | ------------------------------------------- | ----------------------------- |
 * | `thinking.type: enabled`, budget < 4096     | effort `low`, summary `auto`  |
 * | `thinking.type: enabled`, budget < 16384    | effort `medium`, summary auto |
 * | `thinking.type: enabled`, budget ≥ 16384    | effort `high`, summary `auto` |
 * | `thinking.type: enabled`, budget 0          | effort `none`, no summary     |
 * | `thinking.type: adaptive`                   | model default, summary `auto` |
 * | `thinking.type: disabled`                   | effort `none`, no summary     |
 * | `thinking` absent                           | model default, no summary     |
 * | `output_config.effort` low/medium/high/xhigh| that effort (wins)            |
 * | `output_config.effort: max`                 | effort `xhigh`                |
 *
 * A summary is requested only when thinking is on; the answer carries
 * thinking blocks exactly then. Effort `none` asks for no reasoning: it
 * becomes the lowest level the model offers (choose_effort.ts,
 * docs/compatibility.md).
 *
 * @module
 */
import type { ReasoningSettings } from "../../request/request_model.ts";
import { badRequest } from "../../errors.ts";

/** Budgets below this are `low` (Claude Code's "think" sends 4000). */
export const LOW_BUDGET_BELOW = 4096;
/** Budgets below this (and not low) are `medium`; larger ones `high`. */
export const MEDIUM_BUDGET_BELOW = 16384;

const OUTPUT_EFFORT: Readonly<Record<string, string>> = {
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "xhigh",
  max: "xhigh",
};

/**
 * Maps the request's thinking settings.
 *
 * @throws {ProxyError} 400 for a malformed `thinking` or `output_config.effort`.
 */
export function mapThinking(thinking: unknown, outputConfig: unknown): ReasoningSettings {
  const reasoning: ReasoningSettings = {};
  if (thinking !== undefined && thinking !== null) {
    if (!isObject(thinking)) {
      throw badRequest("thinking: expected an object", { param: "thinking" });
    }
    switch (thinking.type) {
      case "enabled": {
        const budget = thinking.budget_tokens;
        if (typeof budget !== "number" || !Number.isFinite(budget) || budget < 0) {
          throw badRequest("thinking.budget_tokens: expected a positive number", {
            param: "thinking.budget_tokens",
          });
        }
        if (budget === 0) {
          // A budget of nothing asks for no thinking.
          reasoning.effort = "none";
          break;
        }
        reasoning.effort = budget < LOW_BUDGET_BELOW
          ? "low"
          : budget < MEDIUM_BUDGET_BELOW
          ? "medium"
          : "high";
        reasoning.summary = "auto";
        break;
      }
      case "adaptive":
        reasoning.summary = "auto";
        break;
      case "disabled":
        reasoning.effort = "none";
        break;
      default:
        throw badRequest(
          `thinking.type: expected enabled, adaptive or disabled, got ${
            JSON.stringify(thinking.type)
          }`,
          { param: "thinking.type" },
        );
    }
  }
  if (isObject(outputConfig) && outputConfig.effort !== undefined && outputConfig.effort !== null) {
    const effort = OUTPUT_EFFORT[String(outputConfig.effort)];
    if (!effort) {
      throw badRequest(
        `output_config.effort: expected one of ${Object.keys(OUTPUT_EFFORT).join(", ")}, got ${
          JSON.stringify(outputConfig.effort)
        }`,
        { param: "output_config.effort" },
      );
    }
    reasoning.effort = effort;
  }
  return reasoning;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
