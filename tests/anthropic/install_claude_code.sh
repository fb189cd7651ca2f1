#!/bin/sh
# Installs the pinned Claude Code CLI for tests/anthropic/claude_code_cli_test.ts into
# /opt/claude-code (or $1). Needs the npm registry; the tests themselves never go online.
set -eu
dir="${1:-/opt/claude-code}"
mkdir -p "$dir"
cd "$dir"
npm install --no-audit --no-fund @anthropic-ai/claude-code@2.1.332
# The package's postinstall copies the native binary into place; run it explicitly
# in case npm skipped install scripts.
node node_modules/@anthropic-ai/claude-code/install.cjs >/dev/null 2>&1 || true
node_modules/.bin/claude --version
