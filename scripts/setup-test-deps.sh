#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, from Debian's packages, only when
# missing (idempotent):
#   - LibreOffice Calc (soffice): the rendered .xlsx files open and show the right numbers;
#   - LibreOffice Writer: the Word report converts to PDF and reads back;
#   - Chromium (/usr/bin/chromium): the task pane is driven in a headless browser;
#   - PostgreSQL (initdb, postgres): the store contract and the multi-process tests run on a
#     throwaway cluster (test/support/pg-cluster.ts), never on the machine's own one.
# Called by `npm test`; never rely on something installed by hand.
set -euo pipefail

need=()
if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  need+=(libreoffice-calc)
fi
# The Word report (.docx → PDF) needs Writer besides Calc.
if command -v dpkg-query >/dev/null 2>&1 && ! dpkg-query -W -f='${Status}' libreoffice-writer 2>/dev/null | grep -q 'install ok installed'; then
  need+=(libreoffice-writer)
fi
if [ ! -x /usr/bin/chromium ]; then
  need+=(chromium)
fi

# Debian puts the server programs in /usr/lib/postgresql/N/bin, off PATH.
pg_bin() {
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then echo "$PG_BIN"; return 0; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}
if ! pg_bin >/dev/null; then
  need+=(postgresql)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "setup-test-deps: LibreOffice ($(command -v soffice || command -v libreoffice)), Chromium (/usr/bin/chromium) and PostgreSQL ($(pg_bin)) present; nothing to do."
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-deps: missing ${need[*]} and apt-get is not available; install them by hand." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup-test-deps: not root and sudo is missing; cannot install ${need[*]}." >&2
    exit 1
  fi
fi

echo "setup-test-deps: installing Debian's ${need[*]}${SUDO:+ (with sudo)}..."
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"

if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  echo "setup-test-deps: libreoffice-calc installed but soffice is not on PATH." >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "setup-test-deps: chromium installed but /usr/bin/chromium is missing." >&2
  exit 1
fi
if ! pg_bin >/dev/null; then
  echo "setup-test-deps: postgresql installed but no initdb in /usr/lib/postgresql/*/bin." >&2
  exit 1
fi
echo "setup-test-deps: ready: $(soffice --version 2>/dev/null | head -n 1); $(/usr/bin/chromium --version 2>/dev/null | head -n 1); $("$(pg_bin)/postgres" --version)"
