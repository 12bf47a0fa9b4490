#!/usr/bin/env bash
# Install (or remove) fieldsurvey for the current user, with no root rights.
#   ./install.sh              copy this folder to ~/.local/opt/fieldsurvey, add the menu
#                             entry and the `fieldsurvey` command (~/.local/bin)
#   ./install.sh --uninstall  remove exactly those again
# The officer's data (~/.local/share/fieldsurvey: database, keys, backups, exports)
# is a different folder and is never touched, neither here nor on uninstall.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
target=$HOME/.local/opt/fieldsurvey
bin=$HOME/.local/bin/fieldsurvey
desktop=$data_home/applications/fieldsurvey.desktop
icons=$data_home/icons/hicolor

remove() {
  rm -rf -- "$target"
  rm -f -- "$bin" "$desktop"
  rm -f -- "$icons"/*/apps/fieldsurvey.png
}

if [ "${1:-}" = --uninstall ]; then
  remove
  echo "fieldsurvey removed. Your data in $data_home/fieldsurvey was kept."
  exit 0
fi

[ -x "$here/fieldsurvey" ] || { echo "run this script from the unpacked fieldsurvey folder" >&2; exit 1; }
if [ "$here" != "$target" ]; then
  remove
  mkdir -p "$(dirname "$target")"
  cp -a "$here" "$target"
fi
mkdir -p "$(dirname "$bin")" "$(dirname "$desktop")"
ln -sf "$target/fieldsurvey" "$bin"
for png in "$target"/share/icons/hicolor/*/apps/fieldsurvey.png; do
  size=$(basename "$(dirname "$(dirname "$png")")")
  mkdir -p "$icons/$size/apps"
  cp "$png" "$icons/$size/apps/"
done
# The menu entry names the program by its full path: ~/.local/bin is not on
# every desktop session's PATH.
sed "s|^Exec=fieldsurvey|Exec=$target/fieldsurvey|" \
  "$target/share/applications/fieldsurvey.desktop" > "$desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$(dirname "$desktop")" || true
echo "fieldsurvey installed in $target. Start it from the applications menu or with: fieldsurvey"
