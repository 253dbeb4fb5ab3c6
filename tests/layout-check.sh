#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Check the private dax bus layouts that dax_core copies against a
# kernel's own headers from that kernel's Debian source package: build
# tests/layout/dax_bus_layout_check.c, which fails to compile if any offset
# or size differs.  Run it after every Debian kernel update.  Then it
# builds a copy with one field's type changed, which must fail, so the
# check is known to catch drift.
#   layout-check.sh [NAME]
#     NAME  6.1 (the default: the host's headers and linux-source-6.1), or
#           6.12, newest or a KREL (scripts/kernels.sh): that kernel's
#           headers in its trixie build root (scripts/build-root.sh) and
#           the linux-source-X.Y of the headers' own version, which apt
#           downloads once into $DAXLITE_CACHE/linux-source
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

name=${1:-6.1}
run=()
mounted=()
tmp=
cleanup() {
	local m
	for m in "${mounted[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	[ -n "$tmp" ] && rm -rf "$tmp" "$tmp.drift"
	return 0
}
trap cleanup EXIT

if [ "$name" = 6.1 ]; then
	kdir=$(daxlite_kdir)
	tarball=/usr/src/linux-source-6.1.tar.xz
	[ -r "$tarball" ] || { echo "layout-check: $tarball is missing (apt-get install linux-source-6.1)"; exit 1; }
	src_pkg=linux-source-6.1
	src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	hdr_ver=$(dpkg-query -W -f='${Version}' "$(basename "$kdir")")
	tmp=$(mktemp -d)
	build_dir=$tmp
else
	read -r _ suite krel _ < <("$DAXLITE_ROOT/scripts/kernels.sh" "$name")
	root=$("$DAXLITE_ROOT/scripts/build-root.sh" "$suite" "$krel")
	kdir=/usr/src/linux-headers-$krel
	run=(chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin
	     LC_ALL=C.UTF-8 HOME=/root)
	hdr_ver=$("${run[@]}" dpkg-query -W -f='${Version}' "linux-headers-$krel")
	# 7.3.4+deb13-amd64 -> linux-source-7.3, of the headers' own version.
	src_pkg=linux-source-$(daxlite_series "$krel")
	src_ver=$hdr_ver
	deb=$(daxlite_linux_source_deb "$src_pkg" "$src_ver")
	tarball=$deb
	tmp=$(mktemp -d "$root/tmp/daxlite-layout.XXXXXX")
	build_dir=/tmp/$(basename "$tmp")
	mount -t proc proc "$root/proc"
	mounted+=("$root/proc")
fi
echo "layout-check: $src_pkg $src_ver, linux-headers-${kdir##*/linux-headers-} $hdr_ver"
[ "$src_ver" = "$hdr_ver" ] ||
	echo "layout-check: note: the source and the headers are different versions"

# The kernel's two headers, unpacked once per source version.
hdrs=$DAXLITE_CACHE/dax-bus-headers-$src_ver
if [ ! -f "$hdrs/dax-private.h" ]; then
	rm -rf "$hdrs.tmp"
	mkdir -p "$hdrs.tmp"
	members=("$src_pkg/drivers/dax/bus.h" "$src_pkg/drivers/dax/dax-private.h")
	if [ "$name" = 6.1 ]; then
		tar -xJf "$tarball" -C "$hdrs.tmp" --strip-components=3 "${members[@]}"
	else
		dpkg-deb --fsys-tarfile "$tarball" | tar -xO "./usr/src/$src_pkg.tar.xz" |
			tar -xJ -C "$hdrs.tmp" --strip-components=3 "${members[@]}"
	fi
	mv "$hdrs.tmp" "$hdrs"
fi

cp "$DAXLITE_ROOT"/tests/layout/{Kbuild,dax_bus_layout_check.c} \
	"$DAXLITE_ROOT"/dax_core/dax_bus_layout.h "$hdrs"/{bus.h,dax-private.h} "$tmp/"
# build DIR: build the check in DIR (its path as make sees it); fails if
# the layouts differ.
build() {
	"${run[@]}" make -s -C "$kdir" M="$1" modules 2>&1 | grep -v 'Skipping BTF' || true
}

cp -r "$tmp" "$tmp.drift"
build "$build_dir"
[ -f "$tmp/dax_bus_layout_check.ko" ] ||
	{ echo "layout-check: the check failed to build: the copied layouts differ"; exit 1; }
echo "layout-check: dax_core/dax_bus_layout.h matches the kernel's drivers/dax headers"

sed -i 's/^\tbool dyn_id;$/\tint dyn_id;/' "$tmp.drift/dax_bus_layout.h"
build "$build_dir.drift" > "$tmp.drift/log" 2>&1
if [ -f "$tmp.drift/dax_bus_layout_check.ko" ]; then
	echo "layout-check: a copy with an int dev_dax.dyn_id still built; the check catches nothing"
	exit 1
fi
grep -q 'static assertion failed' "$tmp.drift/log" ||
	{ cat "$tmp.drift/log"; echo "layout-check: the drifted copy failed for another reason"; exit 1; }
echo "layout-check: a drifted copy is refused"
