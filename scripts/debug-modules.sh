#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# debug-modules.sh KERNEL: build the project's modules and test modules
# against the debug kernel's build directory KERNEL (scripts/debug-kernel.sh)
# in a copy of the tree, $DAXLITE_BUILD/debug-src, so the stock build
# stays; the test modules (tests/kmod, which include ../../include) in the
# copy too, then beside the others, where run-guest.sh -K looks
# (DIR/*/*.ko).  The log is build/logs/debug-build.log; any compiler
# warning fails.  Prints the directory to pass to run-guest.sh -K.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
kernel=${1:?usage: debug-modules.sh KERNEL_BUILD_DIR}

src=$DAXLITE_BUILD/debug-src
rm -rf "$src"
daxlite_copy_module_sources "$src"
mkdir -p "$src/tests/kmod" "$src/test-modules" "$DAXLITE_BUILD/logs"
cp "$DAXLITE_ROOT"/tests/kmod/Kbuild "$DAXLITE_ROOT"/tests/kmod/*.c "$src/tests/kmod/"
blog=$DAXLITE_BUILD/logs/debug-build.log
if make -C "$kernel" M="$src" W=1 modules > "$blog" 2>&1 &&
   make -C "$kernel" M="$src/tests/kmod" KBUILD_EXTRA_SYMBOLS="$src/Module.symvers" \
	modules >> "$blog" 2>&1 &&
   cp "$src"/tests/kmod/*.ko "$src/test-modules/" &&
   ! grep -qE 'warning:|error:' "$blog"; then
	echo "$src"
else
	tail -n 30 "$blog" | sed 's/^/    | /' >&2
	exit 1
fi
