/**
 * The "no token in any log" check: tests remember every token they create or
 * see issued, and scan log lines for them (whole, or the JWT payload / the
 * refresh token's body, so a re-encoded or cut token is caught too).
 *
 * @module
 */
import type { TokenSet } from "./tokens.ts";

/** Every token remembered in this test process. */
export const SEEN_SECRETS: Set<string> = new Set();

/** Remembers the tokens of each set. */
export function rememberSecrets(...sets: TokenSet[]): void {
  for (const set of sets) {
    SEEN_SECRETS.add(set.access_token);
    SEEN_SECRETS.add(set.id_token);
    SEEN_SECRETS.add(set.refresh_token);
  }
}

function needles(secret: string): string[] {
  const parts = secret.split(".");
  if (parts.length === 3) return [secret, parts[1]];
  return [secret, secret.replace(/^rt_/, "")];
}

/** The lines that contain a remembered token (empty when clean). */
export function linesWithSecrets(lines: readonly string[]): string[] {
  const all = [...SEEN_SECRETS].flatMap(needles).filter((n) => n.length >= 16);
  return lines.filter((line) => all.some((n) => line.includes(n)));
}
