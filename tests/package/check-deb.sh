#!/bin/sh
# The Debian package, end to end: build it with CPack from the build tree, check its metadata and
# dependencies, unpack it into a scratch root and run the installed programs from there, away from
# the source tree (they must find their model through <bin>/../share/rlfseg).
# Usage: check-deb.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

(cd "$build" && cpack -G DEB -B "$work/out" > "$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
info=$(dpkg-deb --info "$deb")
for dependency in libtorch1.13 libqt6widgets6 libqcustomplot libopencv libopenblas0-openmp qt6-qpa-plugins; do
    echo "$info" | grep -q "Depends:.*$dependency" || { echo "missing dependency: $dependency"; echo "$info"; exit 1; }
done

root="$work/root"
dpkg -x "$deb" "$root"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.rlfseg.Studio.metainfo.xml"
desktop-file-validate "$root/usr/share/applications/io.github.rlfseg.Studio.desktop"
test -s "$root/usr/share/icons/hicolor/scalable/apps/rlfseg-studio.svg"
for size in 16 32 48 64 128 256 512; do test -s "$root/usr/share/icons/hicolor/${size}x${size}/apps/rlfseg-studio.png"; done
test -s "$root/usr/share/rlfseg/models/default/model_index.json"

cd "$work"
unset RLFSEG_DATA_DIR RLFSEG_DEFAULT_MODEL
"$root/usr/bin/rlfseg" --version
"$root/usr/bin/rlfseg" info | grep "^Model:" | grep -q "$root/usr/share/rlfseg/models/default" \
    || { echo "the installed rlfseg did not use the installed model:"; "$root/usr/bin/rlfseg" info | head -2; exit 1; }
"$root/usr/bin/rlfseg" segment --image "$root/usr/share/rlfseg/samples/shapes_000001.png" \
    --prompt "the orange square" --output "$work/mask.png"
test -s "$work/mask.png"
QT_QPA_PLATFORM=offscreen "$root/usr/bin/rlfseg-studio" --version
echo "the package installs and runs"
