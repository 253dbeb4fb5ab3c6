#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo: build daxlite, boot the stock Debian kernel in QEMU and walk
# the user path (load, mkfs, mount -o dax, use, unload) as a user sees it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

scripts/install-deps.sh
echo "== building the modules"
make -s all test-helpers
echo "== booting $(daxlite_krel) in QEMU with memmap=1G\$0x80000000"
out=$(DAXLITE_RESULTS= tests/vm/run-guest.sh -a 'memmap=1G$0x80000000' demo)
sed -n 's/^      | //p' <<< "$out"
if grep -q '^FAIL' <<< "$out"; then
	grep '^FAIL' <<< "$out"
	echo "== demo FAILED"
	exit 1
fi
echo "== demo done; the full guest console is in build/logs/demo.log"
