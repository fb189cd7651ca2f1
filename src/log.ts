/**
 * A small structured logger: one JSON line per entry on stderr. Secrets are
 * redacted before anything is written.
 *
 * @module
 */

/** Log levels, least severe first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** A logger. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
}

const SECRET_KEYS =
  /^(authorization|x-api-key|api_key|access_token|refresh_token|id_token|token|password|secret|cookie|set-cookie)$/i;
// A JWT, a bearer value, or a refresh-token-looking string.
const SECRET_TEXT =
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+|eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|\brt_[A-Za-z0-9._-]{8,}/g;

/** Redacts secrets in a value: secret-named keys, bearer values, JWTs. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    return value.replace(
      SECRET_TEXT,
      (_m, bearer) => (bearer ? `${bearer}[redacted]` : "[redacted]"),
    );
  }
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return redact(value.message, depth + 1);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

const encoder = new TextEncoder();

/**
 * Writes one line to stderr as is. `console.error` would first run it through
 * the console's formatting (and load Deno's inspector on first use): this
 * runs for every request.
 */
function writeStderr(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  try {
    for (let written = 0; written < bytes.length;) {
      written += Deno.stderr.writeSync(bytes.subarray(written));
    }
  } catch {
    // stderr is closed (the terminal went away): a log line must never fail a request.
  }
}

/** Creates a logger writing JSON lines through `write` (stderr by default). */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = writeStderr,
): Logger {
  const log = (l: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[l] < ORDER[level]) return;
    const entry = {
      time: new Date().toISOString(),
      level: l,
      msg: redact(message),
      ...(fields ? redact(fields) as LogFields : {}),
    };
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    enabled: (l) => ORDER[l] >= ORDER[level],
  };
}
