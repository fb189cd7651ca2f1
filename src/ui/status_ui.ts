/**
 * The status page's parts for one app instance, and its routes: the page
 * (`GET /`, `/ui`), the key form's `POST /ui/session` and the live stream
 * `GET /status/events`. See docs/status-page.md.
 *
 * @module
 */
import type { RequestEvents } from "../http/request_events.ts";
import { requireMethod } from "../http/require_method.ts";
import { LiveRequests } from "./live_requests.ts";
import type { StatusPage } from "./status_page.ts";
import { UiSessions } from "./ui_session.ts";

/** The status page of one app instance. */
export interface StatusUi {
  /** The page as an answer; built with the first request for it (docs/operations.md#startup). */
  page(): Promise<Response>;
  sessions: UiSessions;
  live: LiveRequests;
}

/** A session secret and the live stream now; the page once, when first asked for. */
export function createStatusUi(
  options: { apiKeys: readonly string[]; events: RequestEvents; shutdown?: AbortSignal },
): StatusUi {
  let page: StatusPage | undefined;
  return {
    page: async () => {
      const { buildStatusPage, statusPageResponse } = await import("./status_page.ts");
      page ??= buildStatusPage();
      return statusPageResponse(page);
    },
    sessions: new UiSessions(options.apiKeys),
    live: new LiveRequests(options.events, { shutdown: options.shutdown }),
  };
}

/**
 * Answers the routes that need no key: the page (it holds no data, and asks
 * for the key) and the key form's POST (it checks the key itself).
 * Undefined for any other path.
 */
export function routeUiOpen(
  request: Request,
  path: string,
  ui: StatusUi,
  readJson: () => Promise<Record<string, unknown>>,
): Promise<Response> | undefined {
  if (path === "/" || path === "/ui") {
    requireMethod(request, "GET");
    return ui.page();
  }
  if (path === "/ui/session") {
    requireMethod(request, "POST");
    return ui.sessions.open(request, readJson);
  }
  return undefined;
}
