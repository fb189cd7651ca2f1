/**
 * The headers every status-page answer carries (docs/status-page.md).
 *
 * @module
 */

/** No sniffing, no referrer, no framing, no caching. */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};
