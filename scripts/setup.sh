#!/usr/bin/env bash
# Set up a fresh checkout: system programs (Tesseract + vie, poppler, PostgreSQL, LibreOffice
# for .doc/.rtf, Chromium), a virtualenv in .venv and the package with its dev extra.
# Idempotent: safe to run again.
#
#   scripts/setup.sh                          everything
#   WITH_LIBREOFFICE=0 scripts/setup.sh       without LibreOffice (.doc and .rtf then fail)
#   SKIP_SYSTEM_DEPS=1 scripts/setup.sh       only the Python side (no apt)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_SYSTEM_DEPS:-0}" != "1" ]; then
  bash scripts/install-system-deps.sh
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
echo "setup: ready — .venv/bin/dispatches --help"
