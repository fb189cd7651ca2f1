/**
 * Whether a backend answer is an HTML page (a Cloudflare challenge, an
 * outage page) rather than an API answer. Such a page is never retried as a
 * refused token and never passed on to a client.
 *
 * @module
 */

/**
 * True when the content type says HTML or the body starts like an HTML document.
 *
 * @example
 * ```ts
 * isHtmlAnswer(response.headers.get("content-type"), await response.text());
 * ```
 */
export function isHtmlAnswer(contentType: string | null, bodyText: string): boolean {
  return (contentType ?? "").includes("text/html") || /^\s*<(!doctype|html)/i.test(bodyText);
}
