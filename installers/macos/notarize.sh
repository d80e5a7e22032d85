#!/bin/sh
# notarize.sh DMG: sends the signed image to Apple's notary service, waits, staples the ticket.
# Needs MACOS_SIGN_IDENTITY (an unsigned image cannot be notarized) and APPLE_ID, APPLE_TEAM_ID and
# APPLE_APP_PASSWORD (an app-specific password of that Apple ID). Without them: says so and exits 0.
set -eu
dmg=$1
if [ -z "${MACOS_SIGN_IDENTITY:-}" ] || [ -z "${APPLE_ID:-}" ] || [ -z "${APPLE_TEAM_ID:-}" ] \
   || [ -z "${APPLE_APP_PASSWORD:-}" ]; then
  echo "notarize.sh: MACOS_SIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID or APPLE_APP_PASSWORD not set: not notarizing $dmg"
  exit 0
fi
xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
  --password "$APPLE_APP_PASSWORD" --wait
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
echo "notarize.sh: $dmg notarized and stapled"
