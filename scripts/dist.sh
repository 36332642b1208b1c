#!/usr/bin/env bash
# make dist: a release binary with the Swift runtime linked in (--static-swift-stdlib; Lua stays
# the system liblua5.4), then dist/govrules_VERSION_ARCH.deb and dist/govrules-VERSION-linux-ARCH.tar.gz.
# Deterministic where practical: every file's time is SOURCE_DATE_EPOCH (default: the last
# commit's), owners are root, tar members are sorted, gzip stores no name or time.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SCRATCH=${DIST_SCRATCH:-.build-dist}
OUT=${DIST_DIR:-dist}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export TZ=UTC LC_ALL=C

"$SWIFT" build -c release --static-swift-stdlib --scratch-path "$SCRATCH" ${BUILD_FLAGS:-}
BIN="$SCRATCH/release/govrules"
VERSION=$("$BIN" --version)
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)

if ldd "$BIN" | grep -q 'libswift\|libFoundation\|libdispatch'; then
  echo "error: $BIN still links the Swift runtime dynamically:" >&2
  ldd "$BIN" >&2
  exit 1
fi

rm -rf "$OUT/stage"
mkdir -p "$OUT"
ROOT="$OUT/stage/govrules_${VERSION}_${ARCH}"
install -d "$ROOT/DEBIAN" "$ROOT/usr/bin" "$ROOT/usr/share/govrules" "$ROOT/usr/share/man/man1" \
  "$ROOT/usr/share/doc/govrules" "$ROOT/lib/systemd/system" "$ROOT/etc/default"
install -m 755 "$BIN" "$ROOT/usr/bin/govrules"
strip --strip-unneeded "$ROOT/usr/bin/govrules"
cp -R rules reports "$ROOT/usr/share/govrules/"
[ -d letters ] && cp -R letters "$ROOT/usr/share/govrules/"
cp -R examples "$ROOT/usr/share/doc/govrules/examples"
install -m 644 README.md "$ROOT/usr/share/doc/govrules/README.md"
sed "s/@VERSION@/$VERSION/" packaging/govrules.1 | gzip -9n > "$ROOT/usr/share/man/man1/govrules.1.gz"
install -m 644 packaging/govrules-desk.service "$ROOT/lib/systemd/system/govrules-desk.service"
install -m 644 packaging/default-govrules "$ROOT/etc/default/govrules"
echo /etc/default/govrules > "$ROOT/DEBIAN/conffiles"

# Depends: the package of each library the binary itself names (NEEDED): libc, libstdc++,
# liblua5.4, zlib, and libcurl, which static Foundation's networking part brings although
# govrules never uses it. Their own dependencies are theirs to declare.
DEPENDS=$(readelf -d "$BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r soname; do
  lib=$(ldd "$BIN" | awk -v n="$soname" '$1 == n && $3 ~ /^\// {print $3}')
  [ -n "$lib" ] || continue
  dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null
done | cut -d: -f1 | sort -u | paste -sd, - | sed 's/,/, /g')
case "$DEPENDS" in *liblua5.4*) ;; *) echo "error: could not find the package of liblua5.4 ($DEPENDS)" >&2; exit 1 ;; esac
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: govrules
Version: $VERSION
Architecture: $ARCH
Maintainer: govrules maintainers <govrules@localhost>
Depends: $DEPENDS
Section: utils
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Description: classify 政府信息公开 applications and render the annual report
 govrules decides, for every application in a government office's disclosure
 request ledger, the statutory outcome, the article that applies and the reply
 deadline in working days, with the rules kept as Lua files an officer edits.
 It renders the statutory annual report from the same ledger, and serves an
 office desk (govrules serve) where clerks use it from a browser.
CONTROL

find "$ROOT" -type d -exec chmod 755 {} + && find "$ROOT" -type f ! -path '*/usr/bin/*' -exec chmod 644 {} +
find "$ROOT" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

DEB="$OUT/govrules_${VERSION}_${ARCH}.deb"
# gzip, not xz: xz output can depend on how many threads the machine lets it use.
dpkg-deb --root-owner-group -Zgzip -z9 --build "$ROOT" "$DEB" >/dev/null

# The tarball: the same tree without the packaging metadata, under govrules-VERSION/.
TARDIR="$OUT/stage/govrules-$VERSION"
rm -rf "$TARDIR" && mkdir -p "$TARDIR"
cp -a "$ROOT/usr/bin" "$ROOT/usr/share" "$TARDIR/"
mkdir -p "$TARDIR/systemd" && cp -a "$ROOT/lib/systemd/system/govrules-desk.service" "$ROOT/etc/default/govrules" "$TARDIR/systemd/"
sed -i 's|/usr/bin/govrules|/usr/local/bin/govrules|' "$TARDIR/systemd/govrules-desk.service"
find "$TARDIR" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
TAR="$OUT/govrules-$VERSION-linux-$ARCH.tar.gz"
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$OUT/stage" -cf - "govrules-$VERSION" | gzip -9n > "$TAR"
rm -rf "$OUT/stage"

ls -l "$DEB" "$TAR"
(cd "$OUT" && sha256sum "$(basename "$DEB")" "$(basename "$TAR")")
