#!/usr/bin/env bash
# Install everything vanban needs on a fresh Debian machine, then (unless --no-run) parse the
# bundled corpus into out/records/. Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN=1
[ "${1:-}" = "--no-run" ] && RUN=0

# System parts: LibreOffice (.doc/.rtf reading, PDF output), Tesseract with Vietnamese data (scans),
# poppler (PDF to images), fonts for rendering.
APT_PKGS="python3-venv libreoffice-writer-nogui tesseract-ocr tesseract-ocr-vie poppler-utils fonts-liberation fonts-dejavu-core"
missing=""
for p in $APT_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "setup: cài gói hệ thống:$missing" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Python: a project virtualenv with vanban and its test tools.
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.vanban-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi

if [ "$RUN" = 1 ]; then
  mkdir -p out/records
  echo "setup: đọc toàn bộ kho mẫu corpus/ vào out/records/ …" >&2
  files=$(find corpus -type f \( -name '*.txt' -o -name '*.docx' -o -name '*.pdf' -o -name '*.doc' -o -name '*.rtf' \) ! -name '*.groundtruth.txt' | sort)
  # shellcheck disable=SC2086
  .venv/bin/vanban parse $files -o out/records || true
  echo "setup: xong. Bản ghi JSON nằm trong out/records/." >&2
fi
