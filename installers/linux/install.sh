#!/bin/sh
# Installs lfdesktop from this folder into $PREFIX (default ~/.local: no root needed), or removes it with
# --uninstall. Layout: $PREFIX/lib/lfdesktop (the app), $PREFIX/bin/lfdesktop (a link to it), the menu entry in
# $PREFIX/share/applications and the icons in $PREFIX/share/icons/hicolor. Settings and keys are not touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
app=$prefix/lib/lfdesktop
bin=$prefix/bin/lfdesktop
desktop=$prefix/share/applications/lfdesktop.desktop
png=$prefix/share/icons/hicolor/256x256/apps/lfdesktop.png
svg=$prefix/share/icons/hicolor/scalable/apps/lfdesktop.svg

refresh_menus() {
  # Desktops pick the entry up by themselves; these only make it faster where they exist.
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
}

if [ "${1:-}" = --uninstall ]; then
  rm -rf "$app"
  rm -f "$bin" "$desktop" "$png" "$svg"
  refresh_menus
  echo "lfdesktop removed from $prefix (your settings and the keys in your keyring are kept)"
  exit 0
fi

mkdir -p "$prefix/lib" "$prefix/bin" "$(dirname "$desktop")" "$(dirname "$png")" "$(dirname "$svg")"
rm -rf "$app"  # an upgrade replaces the whole folder: no file of the older version is left behind
cp -R "$here/app" "$app"
ln -sf "$app/lfdesktop" "$bin"
cp "$here/lfdesktop.png" "$png"
cp "$here/lfdesktop.svg" "$svg"
# The menu entry starts the installed program by its full path: ~/.local/bin is not on every session's PATH.
sed "s|^Exec=lfdesktop |Exec=\"$bin\" |" "$here/lfdesktop.desktop" > "$desktop"
refresh_menus
echo "lfdesktop installed in $prefix: start it from your menu or run $bin"
