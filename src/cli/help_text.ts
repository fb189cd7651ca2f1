/**
 * The `--help` text.
 *
 * @module
 */

/** Usage, flags, env vars and an example. */
export function helpText(version: string): string {
  return `codexgate ${version}
Use your ChatGPT plan from any OpenAI- or Anthropic-compatible client, through the
OpenAI Codex backend. Sign in with \`codexgate login\` (or the Codex CLI's \`codex login\`);
the tokens live in ~/.codex/auth.json.

Usage:
  codexgate [flags]              start the proxy
  codexgate init                 write a commented config.yaml here
                                 (--path <file or dir>, --force to replace one)
  codexgate login                sign in with ChatGPT in the browser (127.0.0.1:1455, else 1457)
                                 (--device-auth: one-time code; --no-browser: paste the
                                 address back; --no-open; --auth-path <file>; --issuer <url>;
                                 --client-id <id>; --callback-port <n>, repeatable;
                                 --account <name>: one account of the backend's pool)
  codexgate logout               remove the auth.json codexgate uses (asks; --yes for scripts)
  codexgate accounts             list a backend's accounts: email, plan, state (ready,
                                 cooling until …, needs sign-in, disabled), 5-hour and
                                 weekly usage (--backend <name>, --json)
  codexgate auth status          show where the sign-in is, whose, and when it expires
                                 (--auth-path <file> to look at one file)
  codexgate doctor               check sign-in, backend, token endpoint, config
                                 (--config <file>, --timeout <s> per check, default 5)
  codexgate usage                sum the usage history: --since 7d|24h|YYYY-MM-DD (default
                                 7d), --by day,model,account,dialect,client (default day),
                                 --json, --data-dir <dir>, --config <file>

Flags:
  -p, --port <n>                 port to listen on (default 8000)
      --host <addr>              address to bind (default 127.0.0.1)
  -c, --config <file>            config file (default ./config.yaml if present,
                                 else embedded defaults)
      --log-level <level>        debug, info, warn or error (default info)
      --allow-unauthenticated    allow a non-loopback --host without server.api_key
  -h, --help                     show this help
  -V, --version                  print the version

Environment:
  OPENAI_CODEX_PATH              directory holding auth.json (or the file itself)
  CODEX_HOME                     the Codex CLI's home (auth.json, models_cache.json)
  OPENAI_API_BASE_URL            Codex backend base URL
  CODEX_REFRESH_TOKEN_URL_OVERRIDE   OAuth token endpoint (refresh)
  CODEXGATE_LOGIN_ISSUER         OAuth issuer of \`codexgate login\` (default
                                 https://auth.openai.com)
  XDG_DATA_HOME, LOCALAPPDATA    where the default data_dir (usage history) goes
Precedence: flag > environment > config file > default.

Endpoints:
  POST /v1/chat/completions   POST /v1/responses   POST /v1/messages
  GET  /v1/models             GET  /health         GET  /status
  POST /v1/images/generations POST /v1/images/edits
  GET  /v1/responses (WebSocket upgrade)   POST /v1/responses/compact
  GET  /  (or /ui)            the status page in a browser (docs/status-page.md)
  GET  /status/events         finished requests, live (Server-Sent Events)
  POST /ui/session            the status page's key form: {"key": "…"} → session cookie
  GET  /metrics (Prometheus)  GET  /v1/usage?since=7d&by=day,model
  GET  …/wham/usage, …/api/codex/usage (the Codex CLI's limits, any base path)

POST bodies need Content-Type: application/json. Web pages (an Origin not in
server.cors_origins) and unknown Host names (not in server.allowed_hosts) are refused.

Limits (config server:, see docs/security.md):
  max_requests_in_flight (1000)  body_idle_timeout_seconds (30)  body_timeout_seconds (60)
  body_limit_mb (50)             max_json_depth (128)

Config keys of note (every key: docs/configuration.md):
  server.api_keys (named client keys), data_dir, usage.history, usage.retention_days,
  limits.poll, limits.interval_seconds (docs/limits-and-usage.md)
  server.websocket_idle_timeout_seconds, server.websocket_max_age_seconds
  backends.<name>.accounts (several accounts, docs/accounts.md)
  backends.<name>.login.issuer, .callback_ports, .open_browser (docs/sign-in.md)
  backends.<name>.extra.codex.image_model
  capabilities: service_tier (default|fast), auto_compact (docs/websocket-and-compaction.md)

Example:
  codexgate --port 8000
  curl http://127.0.0.1:8000/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"gpt-5.4","messages":[{"role":"user","content":"Hello"}]}'
`;
}
