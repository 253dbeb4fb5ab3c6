#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make kunit: build (once, cached) a KUnit-enabled kernel, build the
# modules and their *_test.ko modules against it, boot it in QEMU, load
# them and report every KUnit case.  Appends to $DAXLITE_RESULTS when run
# from make check; alone, it ends with "N passed, N failed".
#   kunit.sh [NAME...]
#     NAME  6.1 (the default: from Debian's linux-source-6.1) or newest
#           (from the newest kernel's linux-source-X.Y, built and built
#           against in its trixie build root; scripts/kunit-kernel.sh)
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

# kunit_on NAME: the suites on that kernel; cases are named kunit/... on
# 6.1 and kunit@NAME/... on the others.
kunit_on() {
	local name=$1 at='' out kernel root='' src log work rc m mounted=()
	[ "$name" = 6.1 ] || at=@$name
	start=$(date +%s)
	if ! out=$(scripts/kunit-kernel.sh "$name"); then
		record FAIL "kunit$at/test-kernel-build"
		return
	fi
	read -r kernel root <<< "$out"
	echo "  KUnit kernel$at ready in $(($(date +%s) - start))s: $kernel"

	# The modules again, in a copy of the tree, so the stock build stays.
	src=$DAXLITE_BUILD/kunit-src$at
	log=$DAXLITE_BUILD/logs/kunit-build$at.log
	rm -rf "$src"
	if [ -z "$root" ]; then
		daxlite_copy_module_sources "$src"
		make -C "$kernel" M="$src" W=1 modules > "$log" 2>&1
		rc=$?
	else
		# The tree is /daxlite-kunit/build inside the root, as it was
		# built; the sources go into the root's /tmp for the build.
		work=$(mktemp -d "$root/tmp/daxlite-kunit-src.XXXXXX")
		daxlite_copy_module_sources "$work"
		mount --bind "$(dirname "$kernel")" "$root/daxlite-kunit" && mounted+=("$root/daxlite-kunit")
		mount -t proc proc "$root/proc" && mounted+=("$root/proc")
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
			HOME=/root nice -n 10 make -C /daxlite-kunit/build \
			M="/tmp/$(basename "$work")" W=1 modules > "$log" 2>&1
		rc=$?
		for m in "${mounted[@]}"; do
			umount "$m" || umount -l "$m"
		done
		mv "$work" "$src"
	fi
	if [ "$rc" = 0 ] && ! grep -qE 'warning:|error:' "$log"; then
		record PASS "kunit$at/build-with-test-modules"
	else
		record FAIL "kunit$at/build-with-test-modules"
		tail -n 30 "$log" | sed 's/^/    | /'
	fi

	# 64 MiB reserved at 768 MiB for the dax_core cases that need real memory.
	tests/vm/run-guest.sh -q -m 1G -a 'memmap=64M$0x30000000' ${at:+-l "kunit$at"} \
		-k "$kernel/vmlinux" -K "$src" kunit
}

for name in "${@:-6.1}"; do
	kunit_on "$name"
done

[ $standalone = 1 ] && daxlite_summary "$DAXLITE_RESULTS"
exit 0
