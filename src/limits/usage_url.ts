/**
 * Where a backend's usage document lives: `backends.<name>.usage_url`, else
 * derived from the base URL (`…/backend-api/codex` → `…/backend-api/wham/usage`).
 *
 * @module
 */

/** The usage URL of a backend. */
export function usageUrl(backend: { base_url: string; usage_url?: string }): string {
  if (backend.usage_url) return backend.usage_url;
  const base = backend.base_url.replace(/\/+$/, "").replace(/\/codex$/, "");
  return `${base}/wham/usage`;
}

/** True for a path the Codex CLI asks its limits at. */
export function isCodexUsagePath(path: string): boolean {
  return /(^|\/)(api\/codex\/usage|wham\/usage)$/.test(path);
}
