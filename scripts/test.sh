#!/usr/bin/env bash
# The whole test suite: installs what is missing, then lint, type check and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-run
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/mypy src
.venv/bin/python -m pytest "$@"
