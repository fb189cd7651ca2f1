/**
 * A fake OAuth issuer on 127.0.0.1 that checks what the real one checks
 * for the Codex CLI's client: on `/oauth/authorize` the client id, the
 * registered redirect URIs (`http://localhost:<registered port>/auth/callback`),
 * the scopes, S256 PKCE and a state; on `/oauth/token` single-use codes,
 * the same client id and redirect URI as the authorize request, and the
 * verifier against the challenge; the device endpoints with pending answers
 * until the code is "entered", polled no faster than the interval.
 *
 * A test plays the browser: fetch the authorize URL and follow the
 * redirect to the login's callback listener.
 *
 * @module
 */
import { DEFAULT_CLIENT_ID } from "../../src/config/schema.ts";
import { makeTokenSet, type TokenSet } from "./tokens.ts";

/** What the issuer does with a device code once it was polled enough. */
export type DeviceOutcome = "approve" | "expire" | "deny";

/** Options of {@link startFakeIssuer}. */
export interface FakeIssuerOptions {
  clientId?: string;
  /** Ports whose `http://localhost:<port>/auth/callback` is a registered redirect URI. */
  redirectPorts: number[];
  /** `/oauth/authorize` redirects with `error=access_denied` (the person said no). */
  deny?: boolean;
  /** `/oauth/token` answers this instead of tokens (a failing token endpoint). */
  tokenFailure?: { status: number; body: Record<string, unknown> };
  /** Device sign-in enabled (else 404 on the usercode endpoint). */
  deviceEnabled?: boolean;
  /** The `interval` the usercode endpoint names, in seconds (sent as a string). */
  deviceIntervalSeconds?: number;
  /** Pending answers before the outcome (default 2). */
  devicePendingPolls?: number;
  deviceOutcome?: DeviceOutcome;
  /** Claims of the issued tokens. */
  accountId?: string;
  planType?: string;
  /** Called with every token set issued (to register it with the fake backend). */
  onIssue?: (tokens: TokenSet) => void;
}

/** A running fake issuer. */
export interface FakeIssuer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, the issuer base URL. */
  url: string;
  /** Every authorize request's query. */
  authorizeCalls: URLSearchParams[];
  /** Every `/oauth/token` form body. */
  tokenCalls: URLSearchParams[];
  /** Every device poll: when it came (ms, performance clock) and the answer's status. */
  devicePolls: { at: number; status: number }[];
  /** Device codes handed out. */
  deviceCodes: { deviceAuthId: string; userCode: string }[];
  /** Token sets issued, in order. */
  issued: TokenSet[];
  /** Every check that failed, in words (a test expects exactly the ones it provoked). */
  refusals: string[];
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  used: boolean;
}

const SCOPES = "openid profile email offline_access api.connectors.read api.connectors.invoke";

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function s256(verifier: string): Promise<string> {
  return b64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Starts the fake on a random 127.0.0.1 port. */
export async function startFakeIssuer(options: FakeIssuerOptions): Promise<FakeIssuer> {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const codes = new Map<string, PendingCode>();
  const authorizeCalls: URLSearchParams[] = [];
  const tokenCalls: URLSearchParams[] = [];
  const devicePolls: { at: number; status: number }[] = [];
  const deviceCodes: { deviceAuthId: string; userCode: string }[] = [];
  const device = new Map<string, { userCode: string; polls: number; lastPoll?: number }>();
  const issued: TokenSet[] = [];
  const refusals: string[] = [];
  const intervalSeconds = options.deviceIntervalSeconds ?? 1;
  let origin = "";

  const refuse = (status: number, error: string, description: string): Response => {
    refusals.push(`${error}: ${description}`);
    return json(status, { error, error_description: description });
  };

  const newCode = (pending: Omit<PendingCode, "used">): string => {
    const code = `ac_${crypto.randomUUID().replace(/-/g, "")}`;
    codes.set(code, { ...pending, used: false });
    return code;
  };

  const authorize = (params: URLSearchParams): Response => {
    authorizeCalls.push(params);
    const redirectUri = params.get("redirect_uri") ?? "";
    const registered = options.redirectPorts.map((p) => `http://localhost:${p}/auth/callback`);
    // An unregistered redirect URI is never redirected to: the issuer shows its own error page.
    if (!registered.includes(redirectUri)) {
      return refuse(400, "invalid_request", `redirect_uri ${redirectUri} is not registered`);
    }
    if (params.get("client_id") !== clientId) {
      return refuse(400, "invalid_client", `unknown client ${params.get("client_id")}`);
    }
    const problems = [
      params.get("response_type") !== "code" && "response_type must be code",
      params.get("scope") !== SCOPES && `unexpected scope ${params.get("scope")}`,
      params.get("code_challenge_method") !== "S256" && "code_challenge_method must be S256",
      !/^[\w-]{43}$/.test(params.get("code_challenge") ?? "") && "code_challenge missing",
      !params.get("state") && "state missing",
      params.get("id_token_add_organizations") !== "true" && "id_token_add_organizations",
      params.get("codex_cli_simplified_flow") !== "true" && "codex_cli_simplified_flow",
      params.get("originator") !== "codex_cli_rs" && "originator",
    ].filter((p): p is string => typeof p === "string");
    if (problems.length > 0) return refuse(400, "invalid_request", problems.join(", "));
    const back = new URL(redirectUri);
    back.searchParams.set("state", params.get("state")!);
    if (options.deny) {
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "The user declined the sign-in");
    } else {
      back.searchParams.set(
        "code",
        newCode({ clientId, redirectUri, challenge: params.get("code_challenge")! }),
      );
    }
    return new Response(null, { status: 302, headers: { location: back.href } });
  };

  const token = async (request: Request): Promise<Response> => {
    if (!request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) {
      return refuse(400, "invalid_request", "the body must be form-encoded");
    }
    const form = new URLSearchParams(await request.text());
    tokenCalls.push(form);
    if (options.tokenFailure) {
      return json(options.tokenFailure.status, options.tokenFailure.body);
    }
    if (form.get("grant_type") !== "authorization_code") {
      return refuse(400, "unsupported_grant_type", `${form.get("grant_type")}`);
    }
    const pending = codes.get(form.get("code") ?? "");
    if (!pending) return refuse(400, "invalid_grant", "unknown authorization code");
    if (pending.used) return refuse(400, "invalid_grant", "authorization code already used");
    pending.used = true;
    if (form.get("client_id") !== pending.clientId) {
      return refuse(400, "invalid_client", "client_id differs from the authorize request");
    }
    if (form.get("redirect_uri") !== pending.redirectUri) {
      return refuse(400, "invalid_grant", "redirect_uri differs from the authorize request");
    }
    if (await s256(form.get("code_verifier") ?? "") !== pending.challenge) {
      return refuse(400, "invalid_grant", "code_verifier does not match the code_challenge");
    }
    const tokens = makeTokenSet({ accountId: options.accountId, planType: options.planType });
    issued.push(tokens);
    options.onIssue?.(tokens);
    return json(200, {
      id_token: tokens.id_token,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      token_type: "Bearer",
      expires_in: 864000,
    });
  };

  const userCode = async (request: Request): Promise<Response> => {
    if (options.deviceEnabled === false) return json(404, { detail: "Not Found" });
    const body = await request.json().catch(() => undefined);
    if (body?.client_id !== clientId) {
      return refuse(400, "invalid_client", `unknown client ${body?.client_id}`);
    }
    const deviceAuthId = `deviceauth_${crypto.randomUUID()}`;
    const code = crypto.randomUUID().slice(0, 8).toUpperCase();
    const user = `${code.slice(0, 4)}-${code.slice(4)}`;
    device.set(deviceAuthId, { userCode: user, polls: 0 });
    deviceCodes.push({ deviceAuthId, userCode: user });
    return json(200, {
      device_auth_id: deviceAuthId,
      user_code: user,
      interval: String(intervalSeconds),
    });
  };

  const devicePoll = async (request: Request): Promise<Response> => {
    const at = performance.now();
    const answer = await devicePollAnswer(request, at);
    devicePolls.push({ at, status: answer.status });
    return answer;
  };

  const devicePollAnswer = async (request: Request, at: number): Promise<Response> => {
    const body = await request.json().catch(() => undefined);
    const entry = device.get(body?.device_auth_id ?? "");
    if (!entry || entry.userCode !== body?.user_code) {
      return refuse(400, "invalid_request", "unknown device_auth_id or user_code");
    }
    // A small allowance for timer jitter; polling clearly faster than asked is a bug.
    if (entry.lastPoll !== undefined && at - entry.lastPoll < intervalSeconds * 1000 - 50) {
      refusals.push(`slow_down: polled after ${Math.round(at - entry.lastPoll)} ms`);
    }
    entry.lastPoll = at;
    entry.polls++;
    if (entry.polls <= (options.devicePendingPolls ?? 2)) {
      // The real issuer answers 403 or 404 while the code was not entered yet.
      return json(entry.polls % 2 === 1 ? 403 : 404, {
        error: { message: "Device authorization is pending", code: "deviceauth_pending" },
      });
    }
    const outcome = options.deviceOutcome ?? "approve";
    if (outcome === "expire") {
      return json(410, { error: { message: "Device code expired", code: "deviceauth_expired" } });
    }
    if (outcome === "deny") {
      return json(400, { error: { message: "Device code was declined", code: "access_denied" } });
    }
    device.delete(body.device_auth_id);
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(64)));
    const challenge = await s256(verifier);
    return json(200, {
      authorization_code: newCode({
        clientId,
        redirectUri: `${origin}/deviceauth/callback`,
        challenge,
      }),
      code_challenge: challenge,
      code_verifier: verifier,
    });
  };

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case "GET /oauth/authorize":
        return authorize(url.searchParams);
      case "POST /oauth/token":
        return await token(request);
      case "POST /api/accounts/deviceauth/usercode":
        return await userCode(request);
      case "POST /api/accounts/deviceauth/token":
        return await devicePoll(request);
    }
    return json(404, { detail: "Not Found" });
  };

  const controller = new AbortController();
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, handler);
  origin = `http://127.0.0.1:${(await promise).port}`;
  const close = async () => {
    controller.abort();
    await server.finished;
  };
  return {
    url: origin,
    authorizeCalls,
    tokenCalls,
    devicePolls,
    deviceCodes,
    issued,
    refusals,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Plays the browser: opens `authorizeUrl` and follows the redirects (to the
 * login's callback, then its success page). Returns the last page.
 */
export async function playBrowser(
  authorizeUrl: string,
): Promise<{ status: number; url: string; body: string }> {
  const res = await fetch(authorizeUrl);
  return { status: res.status, url: res.url, body: await res.text() };
}
