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
dir=$DAXLITE_CACHE/kunit-kernel-$(daxlite_test_kernel_key "$frag")
out=$dir/build

if [ -s "$out/vmlinux" ] && [ -e "$dir/done" ]; then
	echo "$out"
	exit 0
fi

start=$(date +%s)
daxlite_test_kernel_config kunit-kernel "$frag" "$dir"
make -s -C "$dir/src" O="$out" -j"$(nproc)" vmlinux modules_prepare >&2
# The modules of the project and their test modules need the symbols of
# vmlinux; a kernel with no modules of its own still writes Module.symvers.
make -s -C "$dir/src" O="$out" -j"$(nproc)" modules >&2
touch "$dir/done"
echo "kunit-kernel: built in $(($(date +%s) - start))s" >&2
echo "$out"
