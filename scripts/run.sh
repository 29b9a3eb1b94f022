#!/usr/bin/env bash
# Run crowd on SQLite with the demo workshop at http://127.0.0.1:8000 (sets everything up first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DATABASE_URL="${DATABASE_URL:-sqlite:///crowd.db}"
# the demo runs on the built-in development secret: only an explicit ENVIRONMENT=development allows it
export ENVIRONMENT="${ENVIRONMENT:-development}"
export ADMIN_EMAILS="${ADMIN_EMAILS:-admin@example.org}"
.venv/bin/crowd migrate
echo "Building the demo workshop if this database does not have it yet (about a minute)..."
.venv/bin/crowd demo
# theme runs and embeddings in their own process, so the pages stay quick while a run computes
export WORKER_IN_PROCESS=false
.venv/bin/crowd worker > crowd-worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT INT TERM
echo "crowd is running at http://127.0.0.1:${PORT:-8000} (sign-in links are printed here and kept in the outbox;"
echo "the theme worker logs to crowd-worker.log)"
.venv/bin/crowd serve --host 127.0.0.1 --port "${PORT:-8000}"
