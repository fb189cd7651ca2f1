/**
 * Refuses to expose the plan on the network by accident: a non-loopback bind
 * address needs `server.api_key` or `--allow-unauthenticated`.
 *
 * @module
 */
import type { ResolvedConfig } from "../config/load_config.ts";

/** The part of `server:` the bind checks read (`api_keys` may be absent in a hand-built config). */
type BindSettings =
  & Pick<ResolvedConfig["server"], "host" | "api_key" | "allow_unauthenticated">
  & { api_keys?: readonly unknown[] };

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) ||
    h === "::ffff:127.0.0.1";
}

/** The reason not to start, or undefined when the bind is safe. */
export function bindRefusal(server: BindSettings): string | undefined {
  if (isLoopback(server.host) || hasKey(server) || server.allow_unauthenticated) {
    return undefined;
  }
  return `refusing to listen on ${server.host}: that address is reachable from other machines, and ` +
    `without server.api_key anyone who reaches it could use your ChatGPT plan. Set server.api_key ` +
    `in the config (clients then send "Authorization: Bearer <key>" or "x-api-key"), bind ` +
    `127.0.0.1, or pass --allow-unauthenticated if the network is yours alone.`;
}

/** A startup warning for an allowed but open bind, or undefined. */
export function bindWarning(server: BindSettings): string | undefined {
  if (isLoopback(server.host) || hasKey(server)) return undefined;
  return `listening on ${server.host} without server.api_key (allowed by --allow-unauthenticated / ` +
    `server.allow_unauthenticated): anyone who can reach this address can use your ChatGPT plan`;
}

function hasKey(server: BindSettings): boolean {
  return server.api_key !== null || (server.api_keys?.length ?? 0) > 0;
}
