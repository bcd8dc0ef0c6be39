#!/usr/bin/env bash
# macOS disk image with the usual drag-to-Applications window, from the .app that
# `pyinstaller build_installer.spec` writes on a Mac (make installer):
#   installer/macos/make_dmg.sh [dist/PhotoCheck.app]
# writes dist/photocheck-<version>-macos-<arch>.dmg (arch: arm64 or x86_64, of the build).
# hdiutil makes a writable image holding the app and a link to /Applications, Finder (through
# osascript) lays out the window where a GUI session exists (skipped on a headless machine: the
# image still works, icons just sit in Finder's default places), then it is compressed read-only.
# Unsigned: see README, "Code signing and notarisation".
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
eval "$("$PYTHON" scripts/app_meta.py --shell)"
APP=${1:-dist/$APP_ENGLISH_NAME.app}
[ -d "$APP" ] || { echo "make_dmg: no $APP (build it on macOS: make installer)" >&2; exit 1; }
ARCH=$(lipo -archs "$APP/Contents/MacOS/photocheck-gui" 2>/dev/null | tr ' ' '+' || uname -m)
DMG="dist/${APP_NAME}-${APP_VERSION}-macos-${ARCH}.dmg"
VOLUME="$APP_DISPLAY_NAME $APP_VERSION"

STAGE=$(mktemp -d)
trap 'hdiutil detach "/Volumes/$VOLUME" -quiet 2>/dev/null || true; rm -rf "$STAGE" "$STAGE.rw.dmg"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"

RW="$STAGE.rw.dmg"
rm -f "$RW" "$DMG"
hdiutil create -quiet -volname "$VOLUME" -srcfolder "$STAGE" -fs HFS+ -format UDRW -ov "$RW"
hdiutil attach -quiet -readwrite -noverify -noautoopen "$RW"
if [ -z "${CI:-}" ] && pgrep -x Finder >/dev/null; then
  osascript <<APPLESCRIPT || echo "make_dmg: Finder layout skipped"
tell application "Finder"
  tell disk "$VOLUME"
    open
    set current view of container window to icon view
    set toolbar visible of container window to false
    set statusbar visible of container window to false
    set the bounds of container window to {200, 120, 760, 460}
    set opts to the icon view options of container window
    set arrangement of opts to not arranged
    set icon size of opts to 112
    set position of item "$APP_ENGLISH_NAME.app" of container window to {140, 160}
    set position of item "Applications" of container window to {420, 160}
    update without registering applications
    close
  end tell
end tell
APPLESCRIPT
fi
sync
hdiutil detach -quiet "/Volumes/$VOLUME"
hdiutil convert -quiet "$RW" -format UDZO -imagekey zlib-level=9 -o "$DMG"
rm -f "$RW"
hdiutil verify -quiet "$DMG"
echo "dmg: $DMG ($(du -m "$DMG" | cut -f1) MiB)"
