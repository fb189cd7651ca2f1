/**
 * The auth.json content after a refresh: the tokens received and
 * `last_refresh` change, every other field (known or not) stays as it was.
 *
 * @module
 */
import type { RefreshedTokens } from "./refresh_tokens.ts";

/**
 * Returns a copy of `raw` (auth.json as parsed JSON) with the refreshed
 * tokens and `last_refresh` set to `nowMs`; a token the endpoint did not
 * send keeps its old value.
 *
 * @example
 * ```ts
 * const next = applyRefreshedTokens(JSON.parse(text), { access_token: "…" }, Date.now());
 * ```
 */
export function applyRefreshedTokens(
  raw: Readonly<Record<string, unknown>>,
  refreshed: RefreshedTokens,
  nowMs: number,
): Record<string, unknown> {
  const tokens = (raw.tokens ?? {}) as Record<string, unknown>;
  return {
    ...raw,
    tokens: {
      ...tokens,
      access_token: refreshed.access_token,
      ...(refreshed.id_token ? { id_token: refreshed.id_token } : {}),
      ...(refreshed.refresh_token ? { refresh_token: refreshed.refresh_token } : {}),
    },
    last_refresh: new Date(nowMs).toISOString(),
  };
}
