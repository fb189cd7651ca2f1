/**
 * The version, from deno.json: one place, embedded at compile time by import.
 *
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };

/** codexgate's version. */
export const VERSION: string = denoJson.version;
