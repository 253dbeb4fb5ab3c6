#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make crash: crash consistency of famfs_lite's metadata log.
#  1. crash points: the modules built with DAXL_RECORD=1 (dax_core's
#     test-only store recording) into build/mods-record; one QEMU boot
#     records a workload of CRASH_OPS metadata operations (default 1000)
#     and checks the image a crash would leave at every flush point,
#     CRASH_SAMPLES random points between them (default 200) and
#     CRASH_SUBSETS variants keeping a random subset of the unflushed
#     lines (default 40), with CRASH_SEED (default 1)
#     (tests/guest/crash.sh, tests/helpers/famfsl_crash.c)
#  2. power cuts: POWERCUT_N guests (default 50) killed with SIGKILL
#     during a metadata workload on an NVDIMM (tests/power-cut.sh)
# CRASH_ONLY=points or CRASH_ONLY=powercut runs one of them.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

ops=${CRASH_OPS:-1000}
samples=${CRASH_SAMPLES:-200}
subsets=${CRASH_SUBSETS:-40}
seed=${CRASH_SEED:-1}
powercut_n=${POWERCUT_N:-50}
only=${CRASH_ONLY:-}

scripts/install-deps.sh || { echo "cannot install dependencies"; exit 1; }
make -s all test-helpers || exit 1
mkdir -p "$DAXLITE_BUILD/logs"
export DAXLITE_RESULTS=$DAXLITE_BUILD/crash-results
: > "$DAXLITE_RESULTS"

if [ "$only" != powercut ]; then
	echo "== crash points: $ops operations, every flush point, $samples samples, $subsets subset variants, seed $seed"
	rm -rf "$DAXLITE_BUILD/mods-record"
	if DAXL_RECORD=1 scripts/build-modules.sh 6.1 "$DAXLITE_BUILD/mods-record" > /dev/null &&
	   /sbin/modinfo -F parm "$DAXLITE_BUILD/mods-record/dax_core/dax_core.ko" | grep -q '^record_max_mb:'; then
		echo "PASS host/modules-built-with-DAXL_RECORD" >> "$DAXLITE_RESULTS"
		tests/vm/run-guest.sh -T 1800 -K "$DAXLITE_BUILD/mods-record" \
			-a 'memmap=128M$0x80000000' -g "$ops-$samples-$subsets-$seed" crash |
			grep -vE '^ +\| (sh: write error|cat: read error)'
	else
		echo "FAIL host/modules-built-with-DAXL_RECORD: see $DAXLITE_BUILD/mods-record/build.log" |
			tee -a "$DAXLITE_RESULTS"
	fi
fi

if [ "$only" != points ]; then
	echo "== power cuts: $powercut_n guests killed during a metadata workload"
	tests/power-cut.sh -n "$powercut_n"
fi
daxlite_summary "$DAXLITE_RESULTS"
