#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A real power cut, N times: guests on one NVDIMM backing file run a
# metadata-heavy workload (tests/guest/powercut.sh) and are killed with
# SIGKILL to QEMU at a random moment; each next boot must find fsck
# clean, mount, and every file published (fsynced, then renamed) and not
# deleted before the kill, with its data.
#   power-cut.sh [-n N] [-d MAXDELAY] [RUN-GUEST OPTIONS]
#     -n  how many killed boots (default 50)
#     -d  the kill comes up to MAXDELAY seconds (default 8) after the
#         workload started
# A boot that stalls before the guest's /init (seen once in 50 under TCG
# on a loaded host) is killed after 240 s and run again, at most twice in
# a run, and said so.
# Killing QEMU keeps every store that reached the guest's memory (the
# backing file is the host's page cache), flushed or not: this checks
# that the log is consistent at any instant, not the flushes (make crash
# does that, by replaying the recorded stores).
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DAXLITE_ROOT"

n=50
maxdelay=8
# seconds a boot may take to reach /init
bootwait=240
retries=0
while getopts "n:d:" o; do
	case $o in
	n) n=$OPTARG ;;
	d) maxdelay=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

img=$DAXLITE_BUILD/nv-powercut.img
logs=$DAXLITE_BUILD/logs
mkdir -p "$logs"
rm -f "$img"
truncate -s 256M "$img"
must=$(mktemp)
trap 'rm -f "$must"' EXIT
fails=0
start=$(date +%s)

verdict() {
	echo "$1 power-cut/$2"
	[ -n "${DAXLITE_RESULTS:-}" ] && echo "$1 power-cut/$2" >> "$DAXLITE_RESULTS"
	[ "$1" = PASS ] || fails=$((fails + 1))
	return 0
}

# judge LABEL: the boot's checks passed and found every file in $must.
judge() {
	local label=$1 log=$logs/$1.log missing
	if ! grep -aq '^CASE: PASS check-and-mount' "$log" ||
	   ! grep -aq '^CASE: PASS published-files-verify' "$log"; then
		verdict FAIL "$label: the checks after the power cut failed; see $log"
		tr -d '\r' < "$log" | grep -a -A20 '^CASE: FAIL' | head -n 30 | sed 's/^/    | /'
		return 1
	fi
	missing=$(tr -d '\r' < "$log" | sed -n 's/^POWERCUT-PRESENT //p' | sort |
		  comm -23 <(sort "$must") -)
	if [ -n "$missing" ]; then
		verdict FAIL "$label: published files missing after the power cut: $(echo $missing)"
		return 1
	fi
	verdict PASS "$label: fsck clean, mounted, $(grep -ac '^POWERCUT-PRESENT ' "$log") published files verify, $(wc -l < "$must") expected"
}

# The kernel log of a killed boot is judged too (run-guest.sh's check).
# no_timer_check: on a loaded host, TCG can be too slow for the kernel's
# check of the IO-APIC timer, which then panics at boot; 50 boots in a
# row met that.
boot() {
	local label=$1 phase=$2
	shift 2
	DAXLITE_RESULTS= tests/vm/run-guest.sh -q -m 2G -T 900 -n "$img:256M" -a no_timer_check \
		-l "$label" -g "$phase" "$@" powercut > "$logs/$label.out" 2>&1
}

boot powercut-mkfs mkfs "$@"
if ! grep -aq '^CASE: PASS mkfs' "$logs/powercut-mkfs.log"; then
	verdict FAIL "mkfs: see $logs/powercut-mkfs.log"
	exit 0
fi

for ((k = 1; k <= n; k++)); do
	label=powercut-$k
	log=$logs/$label.log
	rm -f "$log"
	t0=$(date +%s)
	boot "$label" "cycle-$k" "$@" &
	rg=$!
	# Wait for the workload to start (or the boot to end without it).
	while kill -0 $rg 2> /dev/null && ! grep -aq '^POWERCUT-RUNNING' "$log" 2> /dev/null; do
		# A TCG boot on a loaded host once stalled for good before
		# /init: that boot never reached the file system; it is
		# killed and the cycle run again, at most twice.  A stall
		# after the suite began is a failure.
		if [ $(($(date +%s) - t0)) -gt "$bootwait" ] &&
		   ! grep -aq '^GUEST-BEGIN' "$log" 2> /dev/null; then
			qemu=$(pgrep -f "^qemu-system-x86_64 .*initrd-$label\.cpio\.gz" | head -n 1)
			[ -n "$qemu" ] && kill -KILL "$qemu"
			wait $rg
			break
		fi
		sleep 1
	done
	if ! grep -aq '^GUEST-BEGIN' "$log" 2> /dev/null && [ "$retries" -lt 2 ]; then
		retries=$((retries + 1))
		echo "    cycle $k: the boot stalled before /init after $(($(date +%s) - t0))s; run again"
		k=$((k - 1))
		continue
	fi
	delay=$((RANDOM % (maxdelay * 1000)))
	sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
	# QEMU itself, not the timeout(1) that runs it (its command line has
	# the same words): killing that would leave QEMU running.
	qemu=$(pgrep -f "^qemu-system-x86_64 .*initrd-$label\.cpio\.gz" | head -n 1)
	if [ -z "$qemu" ]; then
		wait $rg
		verdict FAIL "$label: the guest ended before it could be killed; see $log"
		judge "$label"
		break
	fi
	kill -KILL "$qemu"
	wait $rg
	if kill -0 "$qemu" 2> /dev/null; then
		verdict FAIL "$label: QEMU ($qemu) outlived SIGKILL"
		break
	fi
	if ! grep -q '^PASS .*kernel-log-clean' "$logs/$label.out"; then
		verdict FAIL "$label: the kernel log has a report; see $log"
	fi
	judge "$label" || break
	# What the next boot must find: what this one found and published,
	# less what it began to delete.
	tr -d '\r' < "$log" | sed -n 's/^POWERCUT-\(PRESENT\|FSYNCED\) //p' | sort -u > "$must.new"
	tr -d '\r' < "$log" | sed -n 's/^POWERCUT-DELETING //p' | sort -u |
		comm -23 "$must.new" - > "$must"
	rm -f "$must.new"
	echo "    cycle $k: killed ${delay}ms into the workload, $(grep -ac '^POWERCUT-FSYNCED ' "$log") files published, $(($(date +%s) - t0))s"
done

if [ "$fails" = 0 ]; then
	boot powercut-check check "$@"
	judge powercut-check
fi
echo "power-cut: $n cycles in $(($(date +%s) - start))s, $fails failed"
exit 0
