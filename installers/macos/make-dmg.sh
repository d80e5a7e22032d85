#!/bin/sh
# make-dmg.sh APP DMG: a compressed disk image with the app and a link to /Applications (drag to install).
# Signs the image too when MACOS_SIGN_IDENTITY is set.
set -eu
app=$1
dmg=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname lfdesktop -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi
echo "make-dmg.sh: $dmg"
