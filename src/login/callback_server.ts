/**
 * The local listener of the browser sign-in (docs/sign-in.md): on
 * 127.0.0.1, first free port of the list (1455, then 1457). A busy port is
 * first asked to `GET /cancel` (an older `codexgate login` or `codex login`
 * stops and lets go) and retried for about two seconds before the next port.
 *
 * Routes: `/auth/callback` (checks `state`, then lets the caller exchange
 * the code and write the sign-in while the browser waits, then redirects
 * it to `/success`), `/success`, `/cancel`. A callback with the wrong
 * `state` (an old tab, another site) gets 400 and the login keeps waiting.
 *
 * @module
 */
import { callbackRedirectUri } from "./authorize_url.ts";
import { abortedLogin, LoginError } from "./login_error.ts";

/** Options of {@link startCallbackServer}. */
export interface CallbackServerOptions {
  ports: readonly number[];
  /** The `state` of this login's authorize URL. */
  state: string;
  /** Exchanges the code and writes the sign-in; the browser's request waits for it. */
  complete: (code: string, redirectUri: string) => Promise<void>;
  /** Ctrl-C (or a test, or the overall time limit) ends the wait. */
  signal: AbortSignal;
  /** Used to ask a busy port's listener to stop. */
  fetch: typeof fetch;
  /** How long a busy port is retried after `/cancel` (default 2 s). */
  takeoverMs?: number;
  /** After the sign-in is written, how long the browser may take to load `/success` (default 5 s). */
  successGraceMs?: number;
  /** Told about a callback that was refused without ending the login. */
  onIgnored?: (why: string) => void;
}

/** A listening callback server. */
export interface CallbackServer {
  port: number;
  redirectUri: string;
  /**
   * Settles once the listener is closed: resolves when the sign-in was
   * written, rejects with the reason otherwise.
   */
  done: Promise<void>;
}

/**
 * Binds the first usable port and serves the callback routes.
 *
 * @throws {LoginError} when every port stays busy, or the login is cancelled meanwhile.
 */
export async function startCallbackServer(
  options: CallbackServerOptions,
): Promise<CallbackServer> {
  const { promise: done, resolve, reject } = Promise.withResolvers<void>();
  done.catch(() => {}); // the caller may stop listening to it after a bind failure
  let server: Deno.HttpServer | undefined;
  let outcome: { ok: true } | { ok: false; error: unknown } | undefined;
  let exchanging = false;
  let signedIn = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;

  /** Ends the login once: closes the listener, then settles `done`. */
  const finish = (result: { ok: true } | { ok: false; error: unknown }) => {
    if (outcome) return;
    outcome = result;
    clearTimeout(graceTimer);
    options.signal.removeEventListener("abort", onAbort);
    // After the current response is on its way: shutdown waits for it.
    setTimeout(async () => {
      await server?.shutdown().catch(() => {});
      if (result.ok) resolve();
      else reject(result.error);
    }, 0);
  };
  const onAbort = () => {
    // Mid-exchange, the exchange itself stops (its fetch shares the signal) or the
    // write completes: the callback below then ends the login with the truth.
    if (!exchanging) finish({ ok: false, error: abortedLogin(options.signal) });
  };

  let port = 0;
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (request.method !== "GET") return text(405, "Method not allowed");
    switch (url.pathname) {
      case "/auth/callback":
        return await callback(url.searchParams);
      case "/success":
        if (signedIn) finish({ ok: true });
        return signedIn
          ? html(200, "Signed in", SUCCESS_TEXT)
          : html(404, "Not signed in", NOT_YET_TEXT);
      case "/cancel":
        finish({
          ok: false,
          error: new LoginError(
            `cancelled: another sign-in took over port ${port} (it asked this one to stop); nothing was written`,
          ),
        });
        return text(200, "Login cancelled");
    }
    return text(404, "Not found");
  };

  const callback = async (params: URLSearchParams): Promise<Response> => {
    if (signedIn) return new Response(null, { status: 302, headers: { location: "/success" } });
    if (outcome || exchanging) {
      return html(409, "Sign-in in progress", "This sign-in is already being completed.");
    }
    if (params.get("state") !== options.state) {
      options.onIgnored?.(
        "ignored a callback with the wrong state (an old browser tab, or not this sign-in); still waiting",
      );
      return html(400, "State mismatch", "This page does not belong to the sign-in running now.");
    }
    const error = params.get("error");
    if (error) {
      const description = params.get("error_description");
      const why = `the issuer refused the sign-in: ${error}${
        description ? ` (${description})` : ""
      }; nothing was written`;
      finish({ ok: false, error: new LoginError(why) });
      return html(400, "Sign-in failed", why);
    }
    const code = params.get("code");
    if (!code) {
      const why = "the callback carried no authorization code; nothing was written";
      finish({ ok: false, error: new LoginError(why) });
      return html(400, "Sign-in failed", why);
    }
    exchanging = true;
    try {
      await options.complete(code, callbackRedirectUri(port));
    } catch (err) {
      finish({ ok: false, error: err });
      return html(500, "Sign-in failed", err instanceof Error ? err.message : String(err));
    } finally {
      exchanging = false;
    }
    signedIn = true;
    // A browser that does not follow the redirect must not keep the login open.
    if (options.signal.aborted) finish({ ok: true });
    else graceTimer = setTimeout(() => finish({ ok: true }), options.successGraceMs ?? 5_000);
    return new Response(null, { status: 302, headers: { location: "/success" } });
  };

  if (options.signal.aborted) throw abortedLogin(options.signal);
  for (const candidate of options.ports) {
    server = await bindTakingOver(candidate, handler, options);
    if (server) {
      port = candidate;
      break;
    }
  }
  if (!server) {
    const list = options.ports.join(" and ");
    throw new LoginError(
      `cannot listen for the sign-in callback: port${
        options.ports.length > 1 ? "s" : ""
      } ${list} on 127.0.0.1 ${
        options.ports.length > 1 ? "are" : "is"
      } in use by other programs; close them, or use --device-auth or --no-browser`,
    );
  }
  options.signal.addEventListener("abort", onAbort, { once: true });
  return { port, redirectUri: callbackRedirectUri(port), done };
}

/** Binds `port`; when busy, asks its listener to `/cancel` and retries for a while. */
async function bindTakingOver(
  port: number,
  handler: (request: Request) => Promise<Response>,
  options: CallbackServerOptions,
): Promise<Deno.HttpServer | undefined> {
  const first = tryServe(port, handler);
  if (first) return first;
  try {
    const res = await options.fetch(`http://127.0.0.1:${port}/cancel`, {
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(1_000)]),
    });
    await res.body?.cancel();
  } catch { /* not a login server, or it went away: retry anyway */ }
  const deadline = performance.now() + (options.takeoverMs ?? 2_000);
  while (performance.now() < deadline) {
    if (options.signal.aborted) throw abortedLogin(options.signal);
    await new Promise((r) => setTimeout(r, 100));
    const server = tryServe(port, handler);
    if (server) return server;
  }
  return undefined;
}

function tryServe(
  port: number,
  handler: (request: Request) => Promise<Response>,
): Deno.HttpServer | undefined {
  try {
    return Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse || err instanceof Deno.errors.PermissionDenied) {
      return undefined;
    }
    throw err;
  }
}

const SUCCESS_TEXT =
  "codexgate is signed in with ChatGPT. You can close this tab and go back to the terminal.";
const NOT_YET_TEXT = "No sign-in has completed here yet.";

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function html(status: number, title: string, message: string): Response {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>codexgate: ${escape(title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto">
<h1>${escape(title)}</h1>
<p>${escape(message)}</p>
</body></html>
`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}
