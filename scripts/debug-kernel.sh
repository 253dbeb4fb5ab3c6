#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (once) the debug test kernel from Debian's linux-source-6.1:
# tinyconfig plus tests/debug/debug.config (KASAN, lockdep, kmemleak,
# DEBUG_OBJECTS, fault injection, and the whole stack the guest suites
# need, built in).  Cached like the KUnit kernel, under a key of the
# source version and the fragment's hash.  Prints the build directory:
# arch/x86/boot/bzImage to boot, vmlinux, Module.symvers, a tree the
# project's modules build against with M=, and modroot/lib/modules/KREL
# (modules.builtin and depmod's files, so that modprobe of a built-in
# module succeeds in the guest).
#
# The guest boots bzImage, not vmlinux as the KUnit kernel does: through
# PVH, 6.1's xen_prepare_pvh() runs KASAN-instrumented before KASAN's
# shadow exists and the guest triple-faults before printing anything.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

frag=$DAXLITE_ROOT/tests/debug/debug.config
dir=$DAXLITE_CACHE/debug-kernel-$(daxlite_test_kernel_key "$frag")
out=$dir/build

if [ -s "$out/arch/x86/boot/bzImage" ] && [ -e "$dir/done" ]; then
	echo "$out"
	exit 0
fi

# Other engineers share this machine: build at a lower priority.
kmake() {
	nice -n 10 make -s -C "$dir/src" O="$out" "$@" >&2
}

start=$(date +%s)
DAXLITE_KMAKE="nice -n 10 make" daxlite_test_kernel_config debug-kernel "$frag" "$dir"
kmake -j"$(nproc)" vmlinux bzImage modules_prepare
# The project's modules need the symbols of vmlinux; a kernel with no
# modules of its own still writes Module.symvers and modules.builtin.
kmake -j"$(nproc)" modules
# /lib/modules/KREL for the guest: modules.builtin lets modprobe of nfit,
# nd_pmem, ext4, ... succeed although they are built in.
kmake INSTALL_MOD_PATH="$out/modroot" modules_install
touch "$dir/done"
echo "debug-kernel: built in $(($(date +%s) - start))s" >&2
echo "$out"
