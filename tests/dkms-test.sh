#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Host-side DKMS test: in a scratch DKMS tree, add, build and install
# daxlite for the stock Debian 6.1 headers, check what was installed, keep
# a copy of the modules for the guest test (build/dkms-modules), then
# remove it all and check nothing is left.  A kernel the compat layer does
# not cover must be refused by name, not fail to compile.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

kdir=$(daxlite_kdir)
krel=$(daxlite_krel)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$DAXLITE_ROOT/dkms.conf")
t=$DAXLITE_BUILD/dkms-scratch
rm -rf "$t" "$DAXLITE_BUILD/dkms-modules"
mkdir -p "$t/tree" "$t/src" "$t/lib/$krel"
export DKMS_ARGS="--dkmstree $t/tree --sourcetree $t/src --installtree $t/lib --no-depmod --kernelsourcedir $kdir"

"$DAXLITE_ROOT/scripts/dkms.sh" install "$krel" | tee "$t/status"
grep -q "daxlite/$ver, $krel, x86_64: installed" "$t/status"

mods=$t/lib/$krel/updates/dkms
for m in dax_core dax_blk dax_chardev famfs_lite; do
	ko=$(ls "$mods/$m".ko*)
	echo "$m: $(modinfo -F version "$ko"), $(modinfo -F license "$ko"), depends '$(modinfo -F depends "$ko")'"
	[ "$(modinfo -F version "$ko")" = "$ver" ]
	[ "$(modinfo -F license "$ko")" = GPL ]
	[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ]
	modinfo -F description "$ko" | grep -q .
done
modinfo -F depends "$mods"/dax_blk.ko* | grep -qw dax_core
modinfo -F depends "$mods"/famfs_lite.ko* | grep -qw dax_core
modinfo -F softdep "$mods"/famfs_lite.ko* | grep -q 'pre: dax_chardev'
modinfo -F alias "$mods"/famfs_lite.ko* | grep -qx 'fs-famfs_lite'
for m in dax_blk dax_chardev; do
	modinfo "$mods/$m".ko* | grep -E '^parm: +ranges:.+\(charp\)$'
	modinfo "$mods/$m".ko* | grep -E '^parm: +persistent:.+\(bool\)$'
done
mkdir -p "$DAXLITE_BUILD/dkms-modules"
cp "$mods"/*.ko* "$DAXLITE_BUILD/dkms-modules/"

# A kernel outside the compat layer (6.1, 6.12, 7.3) is refused up front.
if dkms build $DKMS_ARGS -m daxlite -v "$ver" -k 6.13.0-99-amd64 > "$t/exclusive" 2>&1; then
	cat "$t/exclusive"
	echo "a 6.13 build was not refused"
	exit 1
fi
cat "$t/exclusive"
grep -q 'BUILD_EXCLUSIVE' "$t/exclusive"

"$DAXLITE_ROOT/scripts/dkms.sh" remove
left=$(find "$t/tree" "$t/src" "$t/lib" -mindepth 1 -not -path "$t/lib/$krel" \
	-not -path "$t/lib/$krel/updates" -not -path "$t/lib/$krel/updates/dkms")
if [ -n "$left" ]; then
	echo "left behind after dkms remove:"
	echo "$left"
	exit 1
fi
echo "dkms add/build/install/remove: clean"
