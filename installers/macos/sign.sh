#!/bin/sh
# sign.sh APP: signs lfdesktop.app for distribution (hardened runtime, secure timestamp), inside out.
# Needs MACOS_SIGN_IDENTITY, a "Developer ID Application: Name (TEAMID)" identity in the keychain (CI imports
# it from secrets first). Without it: says so and exits 0, leaving the app ad-hoc signed by PyInstaller.
set -eu
app=$1
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${MACOS_SIGN_IDENTITY:-}" ]; then
  echo "sign.sh: MACOS_SIGN_IDENTITY is not set: not signing $app (Gatekeeper will ask users to confirm)"
  exit 0
fi
sign() {
  codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" \
    --sign "$MACOS_SIGN_IDENTITY" "$@"
}
# Every library and executable first (deepest first), then the bundle itself; --deep is not used: Apple
# recommends signing each piece with the right options.
find "$app/Contents" -type f \( -name '*.dylib' -o -name '*.so' -o -perm -u+x \) ! -path '*/_CodeSignature/*' \
  | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2- \
  | while IFS= read -r file; do
      if file "$file" | grep -q 'Mach-O'; then sign "$file"; fi
    done
find "$app/Contents" -type d -name '*.framework' | while IFS= read -r framework; do sign "$framework"; done
sign "$app"
codesign --verify --strict --deep --verbose=2 "$app"
echo "sign.sh: signed $app as $MACOS_SIGN_IDENTITY"
