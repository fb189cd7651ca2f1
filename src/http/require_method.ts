/**
 * The one 405: a route answers only the methods it names, and says which in
 * the message and in `Allow`.
 *
 * @module
 */
import { ProxyError } from "../errors.ts";

/**
 * Returns the request's method when `allowed` lists it.
 *
 * @example
 * ```ts
 * const method = requireMethod(request, ["GET", "DELETE"]);
 * ```
 * @throws {ProxyError} 405 `method_not_allowed` with an `Allow` header.
 */
export function requireMethod(request: Request, allowed: string | readonly string[]): string {
  const methods = typeof allowed === "string" ? [allowed] : allowed;
  if (methods.includes(request.method)) return request.method;
  throw new ProxyError(
    405,
    `Method ${request.method} is not allowed here; use ${methods.join(" or ")}`,
    { code: "method_not_allowed", headers: { allow: methods.join(", ") } },
  );
}
