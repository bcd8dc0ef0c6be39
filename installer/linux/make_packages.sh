#!/usr/bin/env bash
# Linux packages from the PyInstaller onedir (make installer first):
#   installer/linux/make_packages.sh [dist/photocheck]
# writes, next to the onedir:
#   dist/photocheck-<version>-linux-<arch>.tar.xz   the onedir as it is (xz -9), to unpack anywhere
#   dist/photocheck_<version>_<debarch>.deb         for Debian-based systems (统信 UOS, 麒麟 Kylin,
#       Debian, Ubuntu, deepin): the onedir in /opt/photocheck, photocheck and photocheck-gui on
#       PATH, a desktop entry and the icon in the hicolor theme
# and checks the .deb with dpkg-deb and desktop-file-validate (and lintian where installed, as
# information: a self-contained bundle in /opt is what lintian's dir-or-file-in-opt,
# embedded-library, custom-library-search-path and unstripped-binary-or-object tags describe).
# Depends: is computed: every library the bundle loads from the system (PyInstaller leaves out
# libc, libGL/EGL and libxcb on purpose), mapped to its Debian package with dpkg -S, and the
# newest glibc symbol version any bundled file needs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ONEDIR=$(cd "${1:-dist/photocheck}" && pwd)
PYTHON=${PYTHON:-python3}
eval "$("$PYTHON" scripts/app_meta.py --shell)"
[ -x "$ONEDIR/photocheck" ] || { echo "make_packages: no build in $ONEDIR (make installer)" >&2; exit 1; }
OUT=$(dirname "$ONEDIR")
ARCH=$(uname -m)
DEBARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)

# ---- .tar.xz ----------------------------------------------------------------------------------
TARBALL="$OUT/${APP_NAME}-${APP_VERSION}-linux-${ARCH}.tar.xz"
rm -f "$TARBALL"
tar -C "$(dirname "$ONEDIR")" --sort=name --owner=0 --group=0 --numeric-owner \
  -cf - "$(basename "$ONEDIR")" | xz -9 -T2 > "$TARBALL"
echo "tar.xz: $TARBALL ($(du -m "$TARBALL" | cut -f1) MiB)"

# ---- .deb -------------------------------------------------------------------------------------
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/pkg"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/doc/$APP_NAME"
cp -a "$ONEDIR" "$PKG/opt/$APP_NAME"
# The bootloader finds _internal through /proc/self/exe, so symlinks on PATH work.
ln -s "/opt/$APP_NAME/photocheck" "$PKG/usr/bin/photocheck"
ln -s "/opt/$APP_NAME/photocheck-gui" "$PKG/usr/bin/photocheck-gui"
install -m 0644 installer/linux/photocheck.desktop "$PKG/usr/share/applications/$APP_NAME.desktop"
for png in resources/icons/photocheck-*.png; do
  size=${png##*-}; size=${size%.png}
  install -D -m 0644 "$png" "$PKG/usr/share/icons/hicolor/${size}x${size}/apps/$APP_NAME.png"
done
cat > "$PKG/usr/share/doc/$APP_NAME/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: $APP_NAME

Files: *
Copyright: $APP_PUBLISHER contributors
License: $APP_LICENSE
 On Debian systems the full text is in /usr/share/common-licenses/$APP_LICENSE.
Comment: The bundled third-party libraries and models keep their own licences; see
 /opt/$APP_NAME/_internal/resources/models/PROVENANCE.md and the *.dist-info folders in
 /opt/$APP_NAME/_internal.
COPYRIGHT
gzip -9n -c > "$PKG/usr/share/doc/$APP_NAME/changelog.gz" <<CHANGELOG
$APP_NAME ($APP_VERSION) stable; urgency=medium

  * Release $APP_VERSION.

 -- $APP_PUBLISHER <$APP_PUBLISHER@users.noreply.github.com>  $(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
CHANGELOG
find "$PKG" -type d -exec chmod 0755 {} +
find "$PKG/usr/share" -type f -exec chmod 0644 {} +
# Shared libraries need no execute bit (Debian policy: 0644); the two programs keep theirs.
find "$PKG/opt" -type f -name '*.so*' -exec chmod 0644 {} +

depends() {
  local libs pkgs glibc
  libs=$(cd "$ONEDIR" && find . -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
    | LD_LIBRARY_PATH="$ONEDIR/_internal" xargs -0 ldd 2>/dev/null \
    | awk -v d="$ONEDIR" '/=> \// && index($3, d) != 1 {print $3}' | sort -u)
  pkgs=$(for l in $libs; do dpkg -S "$(readlink -f "$l")" 2>/dev/null || dpkg -S "$l" 2>/dev/null; done \
    | cut -d: -f1 | sort -u | grep -v '^libc6$' || true)
  glibc=$(find "$ONEDIR" -type f -name '*.so*' -print0 | xargs -0 objdump -T 2>/dev/null \
    | grep -oE 'GLIBC_[0-9]+\.[0-9]+' | sort -uV | tail -1 | cut -d_ -f2)
  printf 'libc6 (>= %s)' "${glibc:-2.28}"
  for p in $pkgs; do printf ', %s' "$p"; done
}
DEPENDS=$(depends)
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: $APP_NAME
Version: $APP_VERSION
Architecture: $DEBARCH
Maintainer: $APP_PUBLISHER <$APP_PUBLISHER@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
Depends: $DEPENDS
Section: graphics
Priority: optional
Description: $APP_DISPLAY_NAME — offline checker for exam registration photos
 Checks and fixes the registration photo and the supporting documents for the
 Chinese national medical licensing examination (医师资格考试) against the exam's
 published rules: size, background, head position, file size. Everything runs
 on this computer; nothing is uploaded.
 .
 离线检查、修复医师资格考试报名照片与材料。
CONTROL
DEB="$OUT/${APP_NAME}_${APP_VERSION}_${DEBARCH}.deb"
rm -f "$DEB"
dpkg-deb --root-owner-group -Zxz -z9 --build "$PKG" "$DEB" >/dev/null
echo "deb: $DEB ($(du -m "$DEB" | cut -f1) MiB)"
dpkg-deb --info "$DEB"
dpkg-deb --contents "$DEB" | grep -v ' \./opt/'
echo "  ... and $(dpkg-deb --contents "$DEB" | grep -c ' \./opt/') entries under /opt/$APP_NAME"
# A package that unpacks and whose programs run from the unpacked tree.
CHECK="$STAGE/unpacked"
dpkg-deb -x "$DEB" "$CHECK"
"$CHECK/opt/$APP_NAME/photocheck" --version
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$CHECK/usr/share/applications/$APP_NAME.desktop"
else
  echo "(desktop-file-validate not installed: desktop entry not validated)"
fi
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$DEB" || echo "(lintian findings above are for information)"
fi
