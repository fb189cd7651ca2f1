/**
 * `GET /` and `/ui`: the status page, one HTML file with its style and script
 * inline (page.html, part of the binary through a text import), served with
 * a Content-Security-Policy that allows exactly that style and that script by
 * their hashes and nothing from anywhere else. See docs/status-page.md.
 *
 * @module
 */
import { sha256, toBase64 } from "../core/sha256.ts";
import template from "./page.html" with { type: "text" };
import { pageFunctions } from "./page_render.ts";
import { paletteCss } from "./palette.ts";
import { UI_SECURITY_HEADERS } from "./security_headers.ts";

/** The built page and the policy that lets it run. */
export interface StatusPage {
  html: string;
  contentSecurityPolicy: string;
}

/** Fills the template's placeholders and hashes its inline style and script. */
export function buildStatusPage(): StatusPage {
  const html = template
    .replace("/*PALETTE*/", () => paletteCss())
    .replace("/*FUNCTIONS*/", () => pageFunctions());
  const inline = (tag: string) => {
    const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
    if (!match) throw new Error(`page.html has no <${tag}>`);
    return `'sha256-${toBase64(sha256(match[1]))}'`;
  };
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${inline("script")}`,
    `style-src ${inline("style")}`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { html, contentSecurityPolicy };
}

/** The page as an answer. */
export function statusPageResponse(page: StatusPage): Response {
  return new Response(page.html, {
    headers: {
      ...UI_SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": page.contentSecurityPolicy,
    },
  });
}
