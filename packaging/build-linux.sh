#!/usr/bin/env bash
# Build the Linux one-folder bundle and smoke-test the built artefact.
#
#   packaging/build-linux.sh                 build, pack and smoke-test
#   packaging/build-linux.sh --smoke ARCHIVE  only smoke-test an archive built before
#                                             (say, on a clean machine of the oldest
#                                             distribution you support)
#
# 1. installs the Debian packages the build and Qt need (scripts/bootstrap.sh system);
# 2. creates a clean build venv (build/venv-linux) from the pinned
#    requirements-frozen.txt and requirements-build.txt;
# 3. runs PyInstaller on packaging/fieldsurvey.spec -> dist/fieldsurvey/;
# 4. adds the menu entry, icons and install.sh, and packs
#    dist/fieldsurvey-<version>-linux-<arch>.tar.gz;
# 5. unpacks that archive into an empty temporary folder and runs the *unpacked*
#    program's `selfcheck` there, offscreen, with a bare environment: proof that
#    the archive works on its own, without this checkout or its venv. Then it
#    starts the desktop app itself (offscreen, in a temporary data folder) and
#    checks that it is still running after a few seconds: the self-check loads Qt
#    but not the app's own windows.
# Exits non-zero if any step, the smoke test included, fails. Prints the build
# time and the sizes at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=build/venv-linux
started=$(date +%s)

smoke_test() {  # $1: the archive, $2: the version it must report
  local archive=$1 version=$2 smoke status reported limit=""
  smoke=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: the variable is local
  trap "rm -rf '$smoke'" EXIT
  tar -C "$smoke" -xzf "$archive"
  mkdir "$smoke/home"
  run() {  # the unpacked program, from an unrelated folder, with almost no environment
    (cd "$smoke" && env -i HOME="$smoke/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
       QT_QPA_PLATFORM=offscreen TMPDIR="$smoke" ${limit:+timeout "$limit"} \
       "$smoke/fieldsurvey/fieldsurvey" "$@")
  }
  reported=$(run --version)
  if [ "$reported" != "fieldsurvey $version" ]; then
    echo "smoke test FAILED: --version says '$reported', expected 'fieldsurvey $version'" >&2
    return 1
  fi
  set +e
  run --lang en selfcheck | tee "$smoke/selfcheck.log"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "smoke test FAILED: selfcheck exited with $status" >&2
    return 1
  fi
  # The resources must come from inside the bundle, through fieldsurvey.resources.
  if ! grep -q "Shipped files: $smoke/fieldsurvey/_internal/fieldsurvey/_shipped" \
      "$smoke/selfcheck.log"; then
    echo "smoke test FAILED: the shipped files were not found inside the bundle" >&2
    return 1
  fi
  # The app waits for the officer in its first-run dialog; timeout's 124 means it
  # was still running, anything else that it stopped (a crash, a missing module).
  set +e
  limit=10 run --data-dir "$smoke/gui-data" 2>"$smoke/gui.log"
  status=$?
  set -e
  if [ "$status" -ne 124 ]; then
    cat "$smoke/gui.log" >&2
    echo "smoke test FAILED: the desktop app stopped within 10 seconds" >&2
    return 1
  fi
  echo "✓ The desktop app starts (still running after 10 s)"
}

if [ "${1:-}" = --smoke ]; then
  [ -f "${2:-}" ] || { echo "usage: $0 --smoke ARCHIVE" >&2; exit 2; }
  name=$(basename "$2")
  version=${name#fieldsurvey-}; version=${version%%-linux-*}
  smoke_test "$2" "$version"
  echo "Smoke test: passed ($(( $(date +%s) - started )) s)"
  exit 0
fi

# -- 1. system packages ------------------------------------------------------------------
# The Qt runtime libraries come from scripts/bootstrap.sh's list; binutils gives
# PyInstaller objdump, which it uses to read the libraries' dependencies.
FIELDSURVEY_EXTRA_APT=binutils scripts/bootstrap.sh system

# -- 2. a clean build venv -----------------------------------------------------------------
# Made anew each time, so nothing from an earlier build or the dev venv leaks in.
"$PYTHON" - <<'EOF'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"Python 3.11 or newer is needed to build, not {sys.version.split()[0]}")
EOF
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -r packaging/requirements-frozen.txt \
  -r packaging/requirements-build.txt
"$VENV/bin/python" -m pip check

# -- 3. PyInstaller --------------------------------------------------------------------------
version=$("$VENV/bin/python" packaging/datafiles.py)
rm -rf dist/fieldsurvey
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/fieldsurvey.spec

# -- 4. menu entry, icons, installer; the archive ------------------------------------------
app=dist/fieldsurvey
mkdir -p "$app/share/applications"
cp packaging/linux/fieldsurvey.desktop "$app/share/applications/"
for png in packaging/icons/png/fieldsurvey-*.png; do
  size=${png##*-}; size=${size%.png}
  mkdir -p "$app/share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$app/share/icons/hicolor/${size}x${size}/apps/fieldsurvey.png"
done
mkdir -p "$app/share/icons/hicolor/scalable/apps"
cp packaging/icons/fieldsurvey.svg "$app/share/icons/hicolor/scalable/apps/fieldsurvey.svg"
cp packaging/linux/install.sh "$app/install.sh"
archive=dist/fieldsurvey-$version-linux-$(uname -m).tar.gz
tar -C dist -czf "$archive" fieldsurvey
built=$(date +%s)

# -- 5. smoke test of the unpacked archive ------------------------------------------------
smoke_test "$archive" "$version"
finished=$(date +%s)

echo
echo "Build:      $((built - started)) s (venv, PyInstaller, archive); smoke test $((finished - built)) s"
echo "Folder:     $app  $(du -sh "$app" | cut -f1) ($(du -sb "$app" | cut -f1) bytes)"
echo "Archive:    $archive  $(du -h "$archive" | cut -f1) ($(stat -c %s "$archive") bytes)"
echo "Smoke test: passed"
