#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make stress: the stress run of tests/guest/stress.sh on the debug kernel
# (scripts/debug-kernel.sh: KASAN, lockdep, kmemleak, ...), DURATION
# seconds (default 300) of concurrent metadata changes, data and mmap I/O,
# attach/detach racing opens, rmmod attempts and memory pressure on one
# guest, and, at the same time on a second guest, the variant with two
# views of one NVDIMM, a writer and a reader remounting -o ro in a loop.
# A guest fails on any kernel report, worker error, unclean fsck or file
# that does not read back.  Logs: build/logs/stress-*.log.  Ends with
# "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

duration=${DURATION:-300}
"$DAXLITE_ROOT/scripts/install-deps.sh" || { echo "cannot install dependencies"; exit 1; }
mkdir -p "$DAXLITE_BUILD/logs"
export DAXLITE_RESULTS=$DAXLITE_BUILD/stress-results
: > "$DAXLITE_RESULTS"

make -s tools test-helpers > /dev/null || { record FAIL "stress/test-helpers"; exit 1; }
start=$(date +%s)
if ! kernel=$(scripts/debug-kernel.sh); then
	record FAIL "stress/test-kernel-build"
	daxlite_summary "$DAXLITE_RESULTS"
	exit 1
fi
if ! src=$(scripts/debug-modules.sh "$kernel"); then
	record FAIL "stress/build-modules"
	daxlite_summary "$DAXLITE_RESULTS"
	exit 1
fi
echo "  debug kernel and modules ready in $(($(date +%s) - start))s"

# Boot, setup and the checks at the end take a KASAN guest under TCG
# several minutes on a busy host; the run itself DURATION.
dbg=(-k "$kernel/arch/x86/boot/bzImage" -K "$src" -M "$kernel/modroot"
     -T $((duration + 1200))
     -a 'rcupdate.rcu_cpu_stall_timeout=300 kasan_multi_shot log_buf_len=8M memmap=1G$0x80000000')
img=$DAXLITE_BUILD/nv-stress
out=$DAXLITE_BUILD/stress-out
rm -rf "$out" "$img.img" "$img-alias.img"
mkdir -p "$out"
start=$(date +%s)
tests/vm/run-guest.sh "${dbg[@]}" -n "$img.img:512M" -g "$duration" stress \
	> "$out/1" 2>&1 &
tests/vm/run-guest.sh "${dbg[@]}" -n "$img-alias.img:512M" -A -g "alias-$duration" stress \
	> "$out/2" 2>&1 &
wait
cat "$out"/*
rm -f "$img.img" "$img-alias.img"
echo "  stress took $(($(date +%s) - start))s"
daxlite_summary "$DAXLITE_RESULTS"
