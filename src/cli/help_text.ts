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
                                 --client-id <id>; --callback-port <n>, repeatable)
  codexgate logout               remove the auth.json codexgate uses (asks; --yes for scripts)
  codexgate auth status          show where the sign-in is, whose, and when it expires
                                 (--auth-path <file> to look at one file)
  codexgate doctor               check sign-in, backend, token endpoint, config
                                 (--config <file>, --timeout <s> per check, default 5)

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
Precedence: flag > environment > config file > default.

Endpoints:
  POST /v1/chat/completions   POST /v1/responses   POST /v1/messages
  GET  /v1/models             GET  /health         GET  /status
  GET  /v1/responses (WebSocket upgrade)   POST /v1/responses/compact

Example:
  codexgate --port 8000
  curl http://127.0.0.1:8000/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"gpt-5.4","messages":[{"role":"user","content":"Hello"}]}'
`;
}
