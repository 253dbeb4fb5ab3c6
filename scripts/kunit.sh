#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make kunit: build (once, cached) a KUnit-enabled 6.1 kernel from Debian's
# linux-source-6.1, build the modules and their *_test.ko modules against
# it, boot it in QEMU, load them and report every KUnit case.  Appends to
# $DAXLITE_RESULTS when run from make check; alone, it ends with
# "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

standalone=0
if [ -z "${DAXLITE_RESULTS:-}" ]; then
	standalone=1
	"$DAXLITE_ROOT/scripts/install-deps.sh" || exit 1
	mkdir -p "$DAXLITE_BUILD/logs"
	export DAXLITE_RESULTS=$DAXLITE_BUILD/kunit-results
	: > "$DAXLITE_RESULTS"
	make -s tools test-helpers > /dev/null || exit 1
fi

record() {
	echo "$1 $2"
	echo "$1 $2" >> "$DAXLITE_RESULTS"
}

start=$(date +%s)
if ! kernel=$(scripts/kunit-kernel.sh); then
	record FAIL "kunit/test-kernel-build"
	[ $standalone = 1 ] && daxlite_summary "$DAXLITE_RESULTS"
	exit 1
fi
echo "  KUnit kernel ready in $(($(date +%s) - start))s: $kernel"

# The modules again, in a copy of the tree, so the stock build stays.
src=$DAXLITE_BUILD/kunit-src
rm -rf "$src"
daxlite_copy_module_sources "$src"
if make -C "$kernel" M="$src" W=1 modules > "$DAXLITE_BUILD/logs/kunit-build.log" 2>&1 &&
   ! grep -qE 'warning:|error:' "$DAXLITE_BUILD/logs/kunit-build.log"; then
	record PASS "kunit/build-with-test-modules"
else
	record FAIL "kunit/build-with-test-modules"
	tail -n 30 "$DAXLITE_BUILD/logs/kunit-build.log" | sed 's/^/    | /'
fi

# 64 MiB reserved at 768 MiB for the dax_core cases that need real memory.
tests/vm/run-guest.sh -q -m 1G -a 'memmap=64M$0x30000000' \
	-k "$kernel/vmlinux" -K "$src" kunit

[ $standalone = 1 ] && daxlite_summary "$DAXLITE_RESULTS"
exit 0
