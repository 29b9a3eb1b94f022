#!/usr/bin/env bash
# Run every check: sets everything up, builds the docs (strict), checks the import contracts and the
# types, then starts a throwaway PostgreSQL and Redis, runs pytest (database tests on SQLite and
# PostgreSQL, browser tests in Debian's chromium) and stops the servers.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/web -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# the quick checks first, so a broken contract fails in seconds:
# the documentation builds without a warning: a broken link or anchor fails (output in site/, git-ignored)
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet
# the import contracts in pyproject.toml (web -> services -> models; the pure packages import no crowd)
.venv/bin/lint-imports
# the type check ([tool.mypy] in pyproject.toml: crowd, clustering, opinions, exports)
.venv/bin/mypy
. scripts/services.sh
start_services
trap stop_services EXIT
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
set +e
# two workers (this machine has 2 cores); each test file runs whole on one worker
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
status=$?
set -e
exit $status
