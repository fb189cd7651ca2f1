/**
 * A request path → the route it was answered by, so a label never carries
 * an id or whatever a scanner tried (docs/metrics.md).
 *
 * @module
 */

const ROUTES: readonly [RegExp, string][] = [
  [/^\/(v1\/)?chat\/completions$/, "/v1/chat/completions"],
  [/^\/(v1\/)?responses$/, "/v1/responses"],
  [/^\/(v1\/)?responses\/[^/]+\/input_items$/, "/v1/responses/{id}/input_items"],
  [/^\/(v1\/)?responses\/[^/]+$/, "/v1/responses/{id}"],
  [/^\/(v1\/)?messages\/count_tokens$/, "/v1/messages/count_tokens"],
  [/^\/(v1\/)?messages$/, "/v1/messages"],
  [/^\/(v1\/)?models$/, "/v1/models"],
  [/^\/(v1\/)?models\/.+$/, "/v1/models/{id}"],
  [/^\/v1\/usage$/, "/v1/usage"],
  [/^\/(health|status|metrics)$/, ""],
  [/(^|\/)api\/codex\/usage$/, "codex usage"],
  [/(^|\/)wham\/usage$/, "codex usage"],
];

/** The route label of `path`; `other` for a path no route answers. */
export function routeLabel(path: string): string {
  const p = path.replace(/\/+$/, "") || "/";
  for (const [re, label] of ROUTES) if (re.test(p)) return label || p;
  return "other";
}
