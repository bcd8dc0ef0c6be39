#!/usr/bin/env bash
# Debian/Ubuntu packages the frozen Linux build needs on the build machine (.ci/run and the release
# workflow both call this): Qt's xcb platform plugin links these X11 libraries, PyInstaller bundles
# them from the build machine (so users need not have them), and the GUI smoke test loads them.
# dpkg-dev/xz-utils for the .deb and the tar.xz; gcc (and binutils) builds the stand-ins for the
# OpenCV libraries the app does not run (installer/linux/vendored_libs.py); icupkg (icu-devtools)
# rebuilds ICU's data for the app's languages (installer/linux/icu_data.py). Installs only what is
# missing; sudo where not root.
set -euo pipefail
PKGS=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
      libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1
      libdbus-1-3 dpkg-dev xz-utils gcc icu-devtools)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "build dependencies present"; exit 0; }
SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
