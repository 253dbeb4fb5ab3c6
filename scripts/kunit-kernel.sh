#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (once) the KUnit test kernel from Debian's linux-source-6.1:
# tinyconfig plus tests/kunit/kunit.config.  The build is cached under a
# key of the source version and the fragment's hash, so later runs reuse
# it.  Prints the build directory (vmlinux, Module.symvers, and a tree the
# project's modules build against with KDIR=).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

frag=$DAXLITE_ROOT/tests/kunit/kunit.config
tarball=$(ls /usr/src/linux-source-6.1.tar.xz)
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$(cat "$frag" <(echo "$ver") | sha256sum | cut -c1-12)
dir=$DAXLITE_CACHE/kunit-kernel-$key
out=$dir/build

if [ -s "$out/vmlinux" ] && [ -e "$dir/done" ]; then
	echo "$out"
	exit 0
fi

start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir/src" "$out"
tar -xf "$tarball" -C "$dir/src" --strip-components=1
make -s -C "$dir/src" O="$out" tinyconfig >&2
"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" >&2
make -s -C "$dir/src" O="$out" olddefconfig >&2
missing=$(grep '^CONFIG_' "$frag" | while read -r opt; do
	grep -qx "$opt" "$out/.config" || echo "$opt"
done)
if [ -n "$missing" ]; then
	echo "kunit-kernel: these options did not stick: $missing" >&2
	exit 1
fi
make -s -C "$dir/src" O="$out" -j"$(nproc)" vmlinux modules_prepare >&2
# The modules of the project and their test modules need the symbols of
# vmlinux; a kernel with no modules of its own still writes Module.symvers.
make -s -C "$dir/src" O="$out" -j"$(nproc)" modules >&2
touch "$dir/done"
echo "kunit-kernel: built in $(($(date +%s) - start))s" >&2
echo "$out"
