/**
 * What one request's handling works with besides the app: its log record,
 * its body readers (bounded), the browser check and the app's own handler.
 * Built per request by app.ts; never held longer than the request.
 *
 * @module
 */
import type { ProxyError } from "../errors.ts";
import type { RequestRecord } from "../http/request_record.ts";

/** A request handler. */
export type Handler = (request: Request) => Promise<Response>;

/** One request's values. */
export interface Exchange {
  record: RequestRecord;
  /** Reads the request's JSON body within the server's bounds (size, depth, deadlines). */
  readJson: () => Promise<Record<string, unknown>>;
  /** Reads a multipart body within the same bounds (image uploads). */
  readForm: () => Promise<FormData>;
  /** The browser check (Host, Origin): the refusal for this request, if any. */
  guard: (request: Request) => ProxyError | undefined;
  /** The app's own handler: a WebSocket's turns go through it as HTTP requests. */
  handler: Handler;
}
