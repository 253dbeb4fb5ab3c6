#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Check the private dax bus layouts that dax_core copies against the
# kernel's own headers in Debian's linux-source-6.1: build
# tests/layout/dax_bus_layout_check.c, which fails to compile if any offset
# or size differs.  Run it after every Debian 6.1 kernel update.  Then it
# builds a copy with one field's type changed, which must fail, so the
# check is known to catch drift.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

kdir=$(daxlite_kdir)
tarball=/usr/src/linux-source-6.1.tar.xz
[ -r "$tarball" ] || { echo "layout-check: $tarball is missing (apt-get install linux-source-6.1)"; exit 1; }
src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
hdr_ver=$(dpkg-query -W -f='${Version}' "$(basename "$kdir")")
echo "layout-check: linux-source-6.1 $src_ver, $(basename "$kdir") $hdr_ver"
[ "$src_ver" = "$hdr_ver" ] ||
	echo "layout-check: note: the source and the headers are different versions"

# The kernel's two headers, unpacked once per source version.
hdrs=$DAXLITE_CACHE/dax-bus-headers-$src_ver
if [ ! -f "$hdrs/dax-private.h" ]; then
	mkdir -p "$hdrs.tmp"
	tar -xJf "$tarball" -C "$hdrs.tmp" --strip-components=3 \
		linux-source-6.1/drivers/dax/bus.h linux-source-6.1/drivers/dax/dax-private.h
	mv "$hdrs.tmp" "$hdrs"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$DAXLITE_ROOT"/tests/layout/{Kbuild,dax_bus_layout_check.c} \
	"$DAXLITE_ROOT"/dax_core/dax_bus_layout.h "$hdrs"/{bus.h,dax-private.h} "$tmp/"
# build DIR: build the check in DIR; fails if the layouts differ.
build() {
	make -s -C "$kdir" M="$1" modules 2>&1 | grep -v 'Skipping BTF' || true
	[ -f "$1/dax_bus_layout_check.ko" ]
}

cp -r "$tmp" "$tmp.drift"
trap 'rm -rf "$tmp" "$tmp.drift"' EXIT
build "$tmp" || { echo "layout-check: the check failed to build: the copied layouts differ"; exit 1; }
echo "layout-check: dax_core/dax_bus_layout.h matches the kernel's drivers/dax headers"

sed -i 's/^\tbool dyn_id;$/\tint dyn_id;/' "$tmp.drift/dax_bus_layout.h"
if build "$tmp.drift" > "$tmp.drift/log" 2>&1; then
	echo "layout-check: a copy with an int dev_dax.dyn_id still built; the check catches nothing"
	exit 1
fi
grep -q 'static assertion failed' "$tmp.drift/log" ||
	{ cat "$tmp.drift/log"; echo "layout-check: the drifted copy failed for another reason"; exit 1; }
echo "layout-check: a drifted copy is refused"
