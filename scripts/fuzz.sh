#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make fuzz: the famfs_lite image fuzzer (tests/guest/fuzz.sh,
# tests/helpers/famfsl_fuzz.c) over FUZZ_IMAGES images (default 10000) of
# FUZZ_SEED (default: the clock, printed), in QEMU boots of FUZZ_PER_BOOT
# images each (default 2500), so that a crash loses one boot's worth and
# no boot outlives its watchdog; each boot then fuzzes a fifth as many
# images of a version 2 base.  Replay one failing image with
#   tests/vm/run-guest.sh -a 'memmap=1G$0x80000000' -g 1-S-ITER fuzz
# (a version 2 one with -g 0-S-ITER-1) and keep it as a regression case
# in tests/fuzz/regressions.txt (those replay on the version 3 base).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

images=${FUZZ_IMAGES:-10000}
seed=${FUZZ_SEED:-$(date +%s)}
per_boot=${FUZZ_PER_BOOT:-2500}

scripts/install-deps.sh || { echo "cannot install dependencies"; exit 1; }
make -s all test-helpers || exit 1
mkdir -p "$DAXLITE_BUILD/logs"
export DAXLITE_RESULTS=$DAXLITE_BUILD/fuzz-results
: > "$DAXLITE_RESULTS"

echo "fuzz: $images images of seed $seed, $per_boot per boot"
start=$(date +%s)
for ((first = 0; first < images; first += per_boot)); do
	n=$((images - first < per_boot ? images - first : per_boot))
	# About 3 to 8 images a second under TCG here; allow 1 a second.
	tests/vm/run-guest.sh -a 'memmap=1G$0x80000000' -T $((n + 300)) \
		-g "$n-$seed-$first" fuzz |
		grep -vE '^ +\| (/dev/dax0|/tmp/base2?.img|base [0-9a-f]+:)'
done
secs=$(($(date +%s) - start))
echo "fuzz: $images images of seed $seed in ${secs}s"
daxlite_summary "$DAXLITE_RESULTS"
