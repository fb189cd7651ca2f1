/**
 * codexgate's metrics (docs/metrics.md): request counts, latency and time to
 * first byte, tokens, upstream retries and token refreshes, fed by the app's
 * finished requests; and per-account limits and state, read at each scrape.
 *
 * @module
 */
import type { FinishedRequest } from "../http/request_events.ts";
import type { AccountOverview } from "../limits/account_overview.ts";
import { VERSION } from "../version.ts";
import { Counter, Gauge, Histogram } from "./prometheus_text.ts";
import { routeLabel } from "./route_label.ts";

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];
const STATES = ["ready", "cooling", "needs_sign_in", "disabled"] as const;

/** One app's metrics. */
export class AppMetrics {
  readonly requests = new Counter(
    "codexgate_requests_total",
    "Finished requests by route, dialect, model, status and client key name.",
    ["route", "dialect", "model", "status", "client"],
  );
  readonly duration = new Histogram(
    "codexgate_request_duration_seconds",
    "Time from a request's arrival to the end of its answer (for a stream: its last byte).",
    ["route", "dialect"],
    SECONDS,
  );
  readonly ttfb = new Histogram(
    "codexgate_time_to_first_byte_seconds",
    "Time from a completion request's arrival to the backend's first event.",
    ["route", "dialect"],
    SECONDS,
  );
  readonly tokens = new Counter(
    "codexgate_tokens_total",
    "Tokens of finished completions by kind (input, cached, output, reasoning); cached is part of input, reasoning part of output.",
    ["kind", "model", "dialect", "client"],
  );
  readonly retries = new Counter(
    "codexgate_upstream_retries_total",
    "Retries of a backend request after a transient failure before its first byte.",
    ["backend"],
  );
  readonly refreshes = new Counter(
    "codexgate_token_refreshes_total",
    "Access-token refreshes by backend and outcome (ok, failed).",
    ["backend", "outcome"],
  );
  readonly usedPercent = new Gauge(
    "codexgate_account_used_percent",
    "Share of a plan limit window used, as the backend last reported it (0-100).",
    ["backend", "account", "limit", "window"],
  );
  readonly resetsAt = new Gauge(
    "codexgate_account_limit_resets_at_seconds",
    "When a plan limit window resets (Unix time, seconds).",
    ["backend", "account", "limit", "window"],
  );
  readonly state = new Gauge(
    "codexgate_account_state",
    "1 for the state the account is in, 0 for the others.",
    ["backend", "account", "state"],
  );
  readonly info = new Gauge("codexgate_build_info", "The running version (always 1).", [
    "version",
  ]);

  /** A finished request (subscribe this to the app's RequestEvents). */
  observe(r: FinishedRequest): void {
    const route = routeLabel(r.path);
    const dialect = r.dialect ?? "";
    const client = r.client ?? "";
    const model = (r.model ?? "").slice(0, 80);
    this.requests.inc({ route, dialect, model, status: String(r.status), client });
    this.duration.observe({ route, dialect }, r.durationMs / 1000);
    if (r.ttfbMs !== undefined) this.ttfb.observe({ route, dialect }, r.ttfbMs / 1000);
    const t = r.tokens;
    if (t) {
      for (const [kind, n] of Object.entries(t)) {
        this.tokens.inc({ kind, model, dialect, client }, n);
      }
    }
  }

  /** The exposition, with the per-account gauges rebuilt from `accounts`. */
  render(accounts: readonly AccountOverview[]): string {
    for (const g of [this.usedPercent, this.resetsAt, this.state, this.info]) g.reset();
    this.info.set({ version: VERSION }, 1);
    for (const a of accounts) {
      const account = a.name;
      for (const s of STATES) {
        this.state.set({ backend: a.backend, account, state: s }, s === a.state ? 1 : 0);
      }
      const q = a.quota;
      const families = [
        { id: "codex", primary: q?.primary, secondary: q?.secondary },
        ...(q?.additional ?? []),
      ];
      for (const f of families) {
        for (const window of ["primary", "secondary"] as const) {
          const w = f[window];
          const labels = { backend: a.backend, account, limit: f.id, window };
          if (w?.used_percent !== undefined) this.usedPercent.set(labels, w.used_percent);
          if (w?.resets_at) this.resetsAt.set(labels, Math.floor(Date.parse(w.resets_at) / 1000));
        }
      }
    }
    return [
      this.requests,
      this.duration,
      this.ttfb,
      this.tokens,
      this.retries,
      this.refreshes,
      this.usedPercent,
      this.resetsAt,
      this.state,
      this.info,
    ].map((f) => f.render()).join("");
  }
}
