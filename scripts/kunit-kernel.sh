#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (once) a KUnit test kernel: tinyconfig plus tests/kunit/kunit.config.
#   kunit-kernel.sh [NAME]
#     NAME  6.1 (the default): from Debian's linux-source-6.1 on the host;
#           newest (or 6.12, or a KREL; scripts/kernels.sh): from the
#           linux-source-X.Y of that kernel's headers' version, built in
#           its trixie build root (scripts/build-root.sh) with trixie's
#           gcc, the tree bind-mounted there at /daxlite-kunit
# The build is cached under a key of the source version and the fragment's
# hash, so later runs reuse it.  Prints the build directory (vmlinux,
# Module.symvers, and a tree the project's modules build against with
# KDIR=); for NAME other than 6.1 a second word, the build root, inside
# which that tree is /daxlite-kunit/build (scripts/kunit.sh mounts it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-6.1}
frag=$DAXLITE_ROOT/tests/kunit/kunit.config

if [ "$name" = 6.1 ]; then
	dir=$DAXLITE_CACHE/kunit-kernel-$(daxlite_test_kernel_key "$frag")
	out=$dir/build
	if [ -s "$out/vmlinux" ] && [ -e "$dir/done" ]; then
		echo "$out"
		exit 0
	fi
	start=$(date +%s)
	daxlite_test_kernel_config kunit-kernel "$frag" "$dir"
	make -s -C "$dir/src" O="$out" -j"$(nproc)" vmlinux modules_prepare >&2
	# The modules of the project and their test modules need the symbols
	# of vmlinux; a kernel with no modules of its own still writes
	# Module.symvers.
	make -s -C "$dir/src" O="$out" -j"$(nproc)" modules >&2
	touch "$dir/done"
	echo "kunit-kernel: built in $(($(date +%s) - start))s" >&2
	echo "$out"
	exit 0
fi

read -r _ suite krel _ < <("$DAXLITE_ROOT/scripts/kernels.sh" "$name")
root=$("$DAXLITE_ROOT/scripts/build-root.sh" "$suite" "$krel")
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root "$@"
}
src_ver=$(in_root dpkg-query -W -f='${Version}' "linux-headers-$krel")
src_pkg=linux-source-$(daxlite_series "$krel")
# Kernels after 6.12 need a little more (tests/kunit/kunit-newer.config).
newer=$DAXLITE_ROOT/tests/kunit/kunit-newer.config
key=$({ cat "$frag" "$newer"; echo "$src_pkg $src_ver"; } | sha256sum | cut -c1-12)
dir=$DAXLITE_CACHE/kunit-kernel-$key
if [ -s "$dir/build/vmlinux" ] && [ -e "$dir/done" ]; then
	echo "$dir/build $root"
	exit 0
fi

mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
	done
	return 0
}
trap cleanup EXIT

start=$(date +%s)
# What building a kernel needs beyond what building modules does; added
# once to the root.
if [ ! -e "$root/.daxlite-kbuild" ]; then
	echo "kunit-kernel: installing flex, bison, bc and libelf-dev into $root" >&2
	mount -t proc proc "$root/proc"
	mounted+=("$root/proc")
	in_root apt-get -qq update
	# From the headers' suite, whose libraries the root already has.
	target=()
	case $suite in
	trixie-backports | sid) target=(-t "$suite") ;;
	esac
	in_root nice -n 10 apt-get install -y -qq --no-install-recommends "${target[@]}" \
		flex bison bc libelf-dev python3 > "$root.kbuild.log" 2>&1 ||
		{ tail -n 20 "$root.kbuild.log" >&2; exit 1; }
	in_root apt-get clean
	touch "$root/.daxlite-kbuild"
fi

deb=$(daxlite_linux_source_deb "$src_pkg" "$src_ver")
rm -rf "$dir"
mkdir -p "$dir/src" "$dir/build" "$root/daxlite-kunit"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$src_pkg.tar.xz" |
	tar -xJ -C "$dir/src" --strip-components=1
mount --bind "$dir" "$root/daxlite-kunit"
mounted+=("$root/daxlite-kunit")
if ! mountpoint -q "$root/proc"; then
	mount -t proc proc "$root/proc"
	mounted+=("$root/proc")
fi
kmake=(nice -n 10 make -s -C /daxlite-kunit/src O=/daxlite-kunit/build)
in_root "${kmake[@]}" tinyconfig >&2
in_root /daxlite-kunit/src/scripts/kconfig/merge_config.sh -m -O /daxlite-kunit/build \
	/daxlite-kunit/build/.config /dev/stdin < <(cat "$frag" "$newer") >&2
in_root "${kmake[@]}" olddefconfig >&2
missing=$(cat "$frag" "$newer" | grep '^CONFIG_' | while read -r opt; do
	grep -qx "$opt" "$dir/build/.config" || echo "$opt"
done)
if [ -n "$missing" ]; then
	echo "kunit-kernel: these options did not stick: $missing" >&2
	exit 1
fi
in_root "${kmake[@]}" -j"$(nproc)" vmlinux modules_prepare >&2
in_root "${kmake[@]}" -j"$(nproc)" modules >&2
touch "$dir/done"
echo "kunit-kernel: $src_pkg $src_ver built in $root in $(($(date +%s) - start))s" >&2
echo "$dir/build $root"
