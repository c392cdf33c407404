#!/usr/bin/env bash
# The side-by-side benchmark in one command: installs the JS tiny-agents peer and the MCP
# servers from bench/package-lock.json, builds our binary, and runs both on the same scripted
# model and the same stdio server-everything. Prints a Markdown table on stdout.
# Usage: bench/run.sh [-runs N]     (Linux; needs go, node and npm)
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --prefix bench --no-audit --no-fund >&2
mkdir -p bench/out
go build -trimpath -o bench/out/tiny-agents .
go run ./bench -bin bench/out/tiny-agents -modules bench/node_modules -raw bench/out/raw.json "$@"
