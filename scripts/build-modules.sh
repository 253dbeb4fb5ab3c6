#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build daxlite's modules for a stock Debian kernel and collect them where
# tests/vm/run-guest.sh -K takes them (OUTDIR/MODULE/MODULE.ko).
#   build-modules.sh [-C] [-s SRC] NAME OUTDIR
#     NAME  6.1 (built on the host against the installed 6.1 headers, as
#           `make` does), or 6.12, newest or a KREL (scripts/kernels.sh):
#           built in a trixie root with that kernel's headers and its
#           suite's compiler (scripts/build-root.sh), through chroot
#     -C    also run sparse on every file (make C=1); for other kernels
#           than 6.1 sparse is installed into the build root once
#     -s    build the module sources in SRC instead of this checkout's
#           (a patched copy, say); only Kbuild, dkms.conf, include/ and
#           the module directories are used
# The build runs with W=1 and -k (every file that fails shows why) on a copy of the sources, so the checkout stays
# clean; its output is also kept in OUTDIR/build.log.  Exits with make's
# status; the modules that did build are collected either way.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$DAXLITE_ROOT
sparse=()
while getopts "Cs:" o; do
	case $o in
	C) sparse=(C=1) ;;
	s) src=$(cd "$OPTARG" && pwd) ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
name=${1:?usage: build-modules.sh [-C] [-s SRC] NAME OUTDIR}
out=${2:?usage: build-modules.sh [-C] [-s SRC] NAME OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/build.log
MODULES="dax_core dax_blk dax_chardev famfs_lite"
shopt -s nullglob

# daxlite_copy_module_sources copies from DAXLITE_ROOT; point it at SRC.
copy_sources() {
	DAXLITE_ROOT=$src daxlite_copy_module_sources "$1"
}

mounted=()
work=
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
	done
	[ -n "$work" ] && rm -rf "$work"
	return 0
}
trap cleanup EXIT

if [ "$name" = 6.1 ]; then
	kdir=$(daxlite_kdir)
	krel=$(daxlite_krel)
	work=$(mktemp -d)
	build=$work
	copy_sources "$build"
	make_cmd=(make -k -C "$kdir" M="$build" modules W=1)
	run=()
else
	read -r _ suite krel _ < <("$DAXLITE_ROOT/scripts/kernels.sh" "$name")
	root=$("$DAXLITE_ROOT/scripts/build-root.sh" "$suite" "$krel")
	work=$(mktemp -d "$root/tmp/daxlite-build.XXXXXX")
	build=/tmp/$(basename "$work")
	copy_sources "$work"
	# debootstrap made /dev's basic nodes; some tools want /proc too.  It
	# is taken down on exit.
	mount -t proc proc "$root/proc"
	mounted+=("$root/proc")
	make_cmd=(make -k -C "/usr/src/linux-headers-$krel" M="$build" modules W=1)
	run=(chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin
	     LC_ALL=C.UTF-8 HOME=/root)
	# Sparse from the root's own suite, added once.
	if [ ${#sparse[@]} != 0 ] && [ ! -e "$root/.daxlite-sparse" ]; then
		"${run[@]}" DEBIAN_FRONTEND=noninteractive apt-get -qq update
		"${run[@]}" DEBIAN_FRONTEND=noninteractive nice -n 10 apt-get install -y -qq \
			--no-install-recommends sparse > "$out/sparse-install.log" 2>&1 ||
			{ tail -n 20 "$out/sparse-install.log"; exit 1; }
		"${run[@]}" apt-get clean
		touch "$root/.daxlite-sparse"
	fi
fi
make_cmd+=("${sparse[@]}")

echo "build-modules: $name ($krel) from $src" | tee "$log"
start=$(date +%s)
set +e
nice -n 10 "${run[@]}" "${make_cmd[@]}" -j"$(nproc)" 2>&1 | tee -a "$log"
rc=${PIPESTATUS[0]}
# The test-only modules (tests/kmod) against the Module.symvers just made,
# collected as OUTDIR/MODULE/MODULE.ko too, so run-guest.sh -K takes them.
if [ "$rc" = 0 ] && [ -d "$DAXLITE_ROOT/tests/kmod" ]; then
	mkdir -p "$work/tests"
	cp -r "$DAXLITE_ROOT/tests/kmod" "$work/tests/"
	rm -f "$work"/tests/kmod/*.{o,ko,mod,mod.c} "$work"/tests/kmod/.*.cmd
	nice -n 10 "${run[@]}" "${make_cmd[@]/#M=*/M=$build/tests/kmod}" \
		KBUILD_EXTRA_SYMBOLS="$build/Module.symvers" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
fi
set -e
echo "build-modules: make exited $rc after $(($(date +%s) - start))s" | tee -a "$log"

for m in $MODULES; do
	rm -f "$out/$m/$m.ko"
	if [ -s "$work/$m/$m.ko" ]; then
		mkdir -p "$out/$m"
		cp "$work/$m/$m.ko" "$out/$m/"
	fi
done
for ko in "$work"/tests/kmod/*.ko; do
	[ -s "$ko" ] || continue
	m=$(basename "$ko" .ko)
	mkdir -p "$out/$m"
	cp "$ko" "$out/$m/"
done
[ -s "$work/Module.symvers" ] && cp "$work/Module.symvers" "$out/"
exit "$rc"
