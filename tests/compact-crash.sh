#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# famfs_lite log compaction, killed at random moments: one guest makes a
# file system on an NVDIMM backing file, then each of N boots (default 20)
# checks it (fsck clean, every file there, data verified) and compacts the
# log in a loop until the host kills QEMU 0.2 to 3 s later; a last boot
# checks again.  Prints the log generation each boot found, and how many
# kills fell between two generations the next boot told apart.
#   compact-crash.sh [N]
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DAXLITE_ROOT"

n=${1:-20}
img=$DAXLITE_BUILD/nv-crash.img
rm -f "$img"
results=$(mktemp)
trap 'rm -f "$results"' EXIT

verdict() {
	echo "$1 compact-crash/$2"
	[ -n "${DAXLITE_RESULTS:-}" ] && echo "$1 compact-crash/$2" >> "$DAXLITE_RESULTS"
	return 0
}

# boot PHASE LABEL: run one guest to its end; its case lines go to $results.
# no_timer_check: a TCG guest on a loaded host can fail the kernel's IO-APIC
# timer check and panic before the suite runs.
boot() {
	DAXLITE_RESULTS=$results tests/vm/run-guest.sh -q -m 2G -n "$img:512M" \
		-a no_timer_check -g "$1" -l "$2" compact_crash
}

gen_of() {
	tr -d '\r' < "$DAXLITE_BUILD/logs/$1.log" | sed -n 's/.*GENERATION: //p' | tail -n 1
}

# qemu_under PID: the QEMU process among PID's descendants.
qemu_under() {
	local pids=$1 p
	for _ in 1 2 3 4 5; do
		for p in $pids; do
			[ "$(cat "/proc/$p/comm" 2> /dev/null)" = qemu-system-x86 ] &&
				echo "$p" && return 0
		done
		pids=$(for p in $pids; do pgrep -P "$p"; done)
	done
	return 1
}

boot make compact-crash-make
prev=$(gen_of compact-crash-make)
kills=0
advanced=0
for i in $(seq "$n"); do
	label=compact-crash-$i
	log=$DAXLITE_BUILD/logs/$label.log
	# A boot that never reaches the loop (a TCG guest under load can
	# panic in its timer check before any of this runs) is tried again.
	for attempt in 1 2; do
		rm -f "$log"
		boot crash "$label" > /dev/null 2>&1 &
		rg=$!
		for _ in $(seq 600); do
			grep -aq 'COMPACT-LOOP: started' "$log" 2> /dev/null && break
			grep -aq 'Kernel panic' "$log" 2> /dev/null && break
			sleep 0.1
		done
		if grep -aq 'COMPACT-LOOP: started' "$log" 2> /dev/null; then
			sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + 2.8 * r / 32767 }')"
			# this boot's QEMU, under run-guest.sh and timeout
			qemu=$(qemu_under "$rg")
			[ -n "$qemu" ] && kill -KILL "$qemu" && kills=$((kills + 1))
			wait "$rg"
			break
		fi
		wait "$rg"
		grep -aq '^CASE: ' "$log" && break
		echo "boot $i: the guest did not get to the suite; booting again"
	done
	gen=$(gen_of "$label")
	echo "boot $i: found generation ${gen:-?}, then killed"
	if grep -aq '^CASE: PASS check' "$log"; then
		verdict PASS "check-after-kill-$((i - 1))"
	else
		verdict FAIL "check-after-kill-$((i - 1)): see $log"
	fi
	[ -n "$gen" ] && [ -n "$prev" ] && [ "$gen" -gt "$prev" ] && advanced=$((advanced + 1))
	prev=$gen
done
boot check compact-crash-final > /dev/null 2>&1
gen=$(gen_of compact-crash-final)
if grep -aq '^CASE: PASS check' "$DAXLITE_BUILD/logs/compact-crash-final.log"; then
	verdict PASS "check-after-kill-$n"
else
	verdict FAIL "check-after-kill-$n: see $DAXLITE_BUILD/logs/compact-crash-final.log"
fi
[ -n "$gen" ] && [ -n "$prev" ] && [ "$gen" -gt "$prev" ] && advanced=$((advanced + 1))
echo "compact-crash: $kills kills of $n boots; final generation ${gen:-?}; the generation moved on $advanced times between boots"
if [ "$kills" = "$n" ]; then
	verdict PASS "every-boot-killed-while-compacting"
else
	verdict FAIL "every-boot-killed-while-compacting: $kills of $n"
fi
grep -a 'kernel-log-clean' "$results" | grep -v '^PASS' | sed 's/^/  /'
exit 0
