/**
 * The checks behind `codexgate doctor`, one function per question a person
 * asks when codexgate does not work: is the config valid, where is the
 * sign-in, has it expired, can the backend and the token endpoint be reached.
 * They never refresh (refresh tokens are single-use,
 * docs/backend-protocol.md#refresh-tokens-are-single-use) and never print
 * a token.
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { Credentials } from "../auth/credentials.ts";
import {
  loadConfig,
  type LoadConfigOptions,
  type ResolvedBackend,
  type ResolvedConfig,
} from "../config/load_config.ts";
import { bindRefusal } from "../http/bind_guard.ts";
import { catalogRequest } from "../models/catalog_request.ts";
import { isHtmlAnswer } from "../upstream/html_answer.ts";

/** The outcome of one check. */
export interface Finding {
  status: "ok" | "warn" | "fail";
  /** What was checked (`config`, `auth.json`, …). */
  subject: string;
  detail: string;
  /** What to do about it (for warn and fail). */
  fix?: string;
}

/** Loads the config; on failure also returns the defaults to keep checking with. */
export function checkConfig(
  options: LoadConfigOptions,
): { finding: Finding; config?: ResolvedConfig } {
  try {
    const config = loadConfig(options);
    // The proxy refuses to start on an open bind without an api_key: say so here too.
    const refusal = bindRefusal(config.server);
    if (refusal) {
      return {
        finding: {
          status: "fail",
          subject: "config",
          detail: `${config.source}: codexgate would not start: ${refusal}`,
          fix: "set server.api_key or bind server.host to 127.0.0.1",
        },
        config,
      };
    }
    const detail = config.source === "embedded defaults"
      ? "no config.yaml here, using the embedded defaults"
      : `${config.source} is valid`;
    return { finding: { status: "ok", subject: "config", detail }, config };
  } catch (err) {
    const finding: Finding = {
      status: "fail",
      subject: "config",
      detail: (err as Error).message,
      fix:
        "correct the key named above (every key is documented in the file `codexgate init` writes)",
    };
    try {
      // Keep checking the sign-in and the network with the defaults (and env).
      return {
        finding,
        config: loadConfig({ ...options, readTextFile: () => undefined, path: undefined }),
      };
    } catch {
      return { finding };
    }
  }
}

/**
 * Finds and reads auth.json for a backend through the same credential
 * service as the proxy (a read-only one: doctor never refreshes).
 */
export async function checkAuthFile(
  backend: ResolvedBackend,
  service: CredentialService,
): Promise<{ finding: Finding; credentials?: Credentials }> {
  const info = await service.inspect(backend.name);
  try {
    if (!info.ok) throw new Error(info.message);
    const credentials = await service.get(backend.name);
    const plan = credentials.planType ? `, plan ${credentials.planType}` : "";
    return {
      finding: {
        status: "ok",
        subject: "auth.json",
        detail: `${info.path} (from ${info.from})${plan}`,
      },
      credentials,
    };
  } catch (err) {
    return {
      finding: {
        status: "fail",
        subject: "auth.json",
        detail: (err as Error).message.replace(/ Run `codexgate login`.*$/, ""),
        fix: "run `codexgate login` to sign in with ChatGPT (the Codex CLI's `codex login` " +
          "works too), or set OPENAI_CODEX_PATH / backends.<name>.auth_path to where auth.json is",
      },
    };
  }
}

/** Reports when the access token expires, against the refresh margin. */
export function checkTokenExpiry(
  credentials: Credentials,
  options: { now: number; refreshMarginSeconds: number },
): Finding {
  const subject = "access token";
  if (credentials.expiresAt === undefined) {
    return {
      status: "warn",
      subject,
      detail: "carries no expiry (not a JWT?)",
      fix: "run `codexgate login` if requests fail",
    };
  }
  const left = credentials.expiresAt - options.now;
  const at = new Date(credentials.expiresAt).toISOString();
  if (left <= 0) {
    return {
      status: "warn",
      subject,
      detail: `expired ${formatDuration(-left)} ago (${at})`,
      fix: "nothing if the refresh token is still good: codexgate refreshes on the next request; " +
        "if requests then fail with 401, run `codexgate login`",
    };
  }
  if (left <= options.refreshMarginSeconds * 1000) {
    return {
      status: "ok",
      subject,
      detail: `expires in ${formatDuration(left)} (${at}); refreshed on the next request`,
    };
  }
  return { status: "ok", subject, detail: `valid for ${formatDuration(left)} (until ${at})` };
}

/** Options of the network checks. */
export interface ProbeOptions {
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * Asks the backend for its model catalog: proves it is reachable and, with
 * credentials, that it accepts the sign-in.
 */
export async function checkBackend(
  backend: ResolvedBackend,
  options: ProbeOptions & {
    credentials?: Credentials;
    expired: boolean;
    host: { os: string; arch: string };
  },
): Promise<Finding> {
  const subject = `backend ${backend.base_url}`;
  const { url, headers } = catalogRequest(backend, {
    credentials: options.credentials,
    host: options.host,
    requestId: crypto.randomUUID(),
  });
  const answer = await probe(url, { headers }, options);
  if ("error" in answer) {
    return {
      status: "fail",
      subject,
      detail: `cannot reach it: ${answer.error}`,
      fix: "check the network (and HTTPS_PROXY if you need a proxy); if you set base_url or " +
        "OPENAI_API_BASE_URL, check that value",
    };
  }
  const { status, text } = answer;
  if (!options.credentials) {
    return { status: "ok", subject, detail: `reachable (HTTP ${status}); sign-in not checked` };
  }
  if (status >= 200 && status < 300) {
    const count = countModels(text);
    return {
      status: "ok",
      subject,
      detail: `reachable, sign-in accepted${count === undefined ? "" : ` (${count} models)`}`,
    };
  }
  if ((status === 401 || status === 403) && options.expired) {
    return {
      status: "warn",
      subject,
      detail: `reachable; refused the expired access token (HTTP ${status}), as expected`,
      fix: "codexgate refreshes it on the next request; if that fails, run `codexgate login`",
    };
  }
  if (status === 401) {
    return {
      status: "fail",
      subject,
      detail: `reachable, but it refused the sign-in (HTTP 401: ${errorMessage(answer)})`,
      fix: "run `codexgate login` (or `codex login`) to sign in again",
    };
  }
  if (status >= 500) {
    return {
      status: "warn",
      subject,
      detail: `reachable, but answered HTTP ${status} (${errorMessage(answer)})`,
      fix: "the backend may be having trouble; try again later",
    };
  }
  return {
    status: "fail",
    subject,
    detail: `reachable, but answered HTTP ${status} (${errorMessage(answer)})`,
    fix: status === 400
      ? "the backend may refuse this client_version: raise backends.<name>.client_version"
      : "check base_url and the account; run `codexgate login` if the account changed",
  };
}

/**
 * Checks the OAuth token endpoint answers at all. It sends an empty body, so
 * it never spends the single-use refresh token: any HTTP answer proves reach.
 */
export async function checkTokenEndpoint(
  backend: ResolvedBackend,
  options: ProbeOptions,
): Promise<Finding> {
  const subject = `token endpoint ${backend.token_url}`;
  const answer = await probe(backend.token_url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: "{}",
  }, options);
  if ("error" in answer) {
    return {
      status: "fail",
      subject,
      detail: `cannot reach it: ${answer.error}`,
      fix: "without it an expired sign-in cannot be refreshed: check the network (and " +
        "HTTPS_PROXY); if you set token_url or CODEX_REFRESH_TOKEN_URL_OVERRIDE, check that value",
    };
  }
  if (answer.status >= 500) {
    return {
      status: "warn",
      subject,
      detail: `reachable, but answered HTTP ${answer.status}`,
      fix: "the sign-in service may be having trouble; try again later",
    };
  }
  return { status: "ok", subject, detail: `reachable (HTTP ${answer.status} to an empty probe)` };
}

type ProbeAnswer =
  | { status: number; contentType: string | null; text: string }
  | { error: string };

async function probe(url: string, init: RequestInit, options: ProbeOptions): Promise<ProbeAnswer> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await options.fetch(url, { ...init, signal });
    // The body is read under the same deadline; a trickling server cannot stall doctor.
    const contentType = res.headers.get("content-type");
    return { status: res.status, contentType, text: await res.text() };
  } catch (err) {
    if (signal.aborted) return { error: `no answer within ${options.timeoutMs / 1000} s` };
    return { error: firstLine(err) };
  }
}

/** The useful part of a fetch error: Deno puts the reason in `cause`. */
function firstLine(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const message = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
  // "error sending request for url (…): client error (Connect): tcp connect error: …"
  return /client error \([^)]*\): (.*)$/.exec(message)?.[1] ?? message;
}

function errorMessage(answer: { contentType: string | null; text: string }): string {
  const { text } = answer;
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? body?.detail ?? body?.message;
    if (typeof message === "string") return message.slice(0, 200);
  } catch { /* not JSON */ }
  if (isHtmlAnswer(answer.contentType, text)) return "an HTML page, likely a bot challenge";
  return text.slice(0, 120) || "empty body";
}

function countModels(text: string): number | undefined {
  try {
    const models = JSON.parse(text)?.models;
    return Array.isArray(models) ? models.length : undefined;
  } catch {
    return undefined;
  }
}

/** "3 d 4 h", "12 min", "40 s". */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
