#!/usr/bin/env bash
# Make a fresh Debian/Ubuntu machine ready: system libraries Qt needs, a
# virtualenv in .venv, and fieldsurvey installed into it (with dev tools if
# called with "dev"; only the system packages if called with "system").
# FIELDSURVEY_EXTRA_APT adds packages (the Linux build wants binutils).
# Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
want=(python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
      libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-noto-cjk
      # A CJK TrueType font for PDFs: reportlab cannot embed Noto CJK's CFF outlines.
      fonts-wqy-microhei)
# shellcheck disable=SC2206  # a space-separated list of package names, split on purpose
want+=(${FIELDSURVEY_EXTRA_APT:-})
if [ "${1:-}" = dev ]; then
  # Tests read PDFs, take screenshots on a virtual display and validate the menu entry.
  want+=(poppler-utils xvfb xauth desktop-file-utils)
  # The office-database tests start a real PostgreSQL server of their own (initdb, pg_ctl).
  want+=(postgresql)
  # Date-sensitive tests run again with the clock years away (see the Makefile).
  want+=(faketime)
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    echo "Installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

[ "${1:-}" = system ] && exit 0

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-${1:-run}
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if [ "${1:-}" = dev ]; then
    .venv/bin/python -m pip install -q -e ".[dev]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi
