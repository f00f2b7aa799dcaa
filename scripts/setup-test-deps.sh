#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: LibreOffice Calc (soffice), used
# to check that the rendered .xlsx files open and show the right numbers. Idempotent: does
# nothing when soffice or libreoffice is already on PATH. Debian/Ubuntu (apt-get) only.
set -euo pipefail

if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  found="$(command -v soffice || command -v libreoffice)"
  echo "setup-test-deps: LibreOffice already present ($found); nothing to do."
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-deps: soffice is missing and apt-get is not available; install LibreOffice Calc by hand." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup-test-deps: not root and sudo is missing; cannot install libreoffice-calc." >&2
    exit 1
  fi
fi

echo "setup-test-deps: soffice not found; installing Debian's libreoffice-calc${SUDO:+ (with sudo)}..."
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-calc

if command -v soffice >/dev/null 2>&1; then
  echo "setup-test-deps: installed: $(soffice --version 2>/dev/null | head -n 1)"
else
  echo "setup-test-deps: libreoffice-calc installed but soffice is not on PATH." >&2
  exit 1
fi
