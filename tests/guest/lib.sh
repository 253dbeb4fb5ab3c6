# SPDX-License-Identifier: GPL-2.0-only
# Sourced by every guest suite (busybox sh).  A suite is a list of cases;
# each case is a shell function run in a subshell with `set -e`, so the
# first failing command fails the case.  The host reads the CASE: lines
# from the serial log; a case's own output follows it, indented.

MODDIR=/daxlite

# Busybox runs its own applets first; the tests use the real tools (kmod,
# util-linux), as users do.
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
modprobe() { /sbin/modprobe "$@"; }
blkdiscard() { /sbin/blkdiscard "$@"; }
depmod() { /sbin/depmod "$@"; }
modinfo() { /sbin/modinfo "$@"; }

# The stock kernel modules famfs_lite.ko needs (its "depends" but dax_core):
# libcrc32c up to 6.12; none on 7.3, whose crc32c is built in.
famfs_lite_kernel_deps() {
	modinfo -F depends $MODDIR/famfs_lite.ko | tr , '\n' | grep -vx dax_core || true
}

# famfs_lite_on_nvdimm DIR: load the NVDIMM stack and the project's
# modules, attach the first namespace to dax_chardev as /dev/dax0 and make
# the mount point DIR (the suites that boot on one NVDIMM backing file).
famfs_lite_on_nvdimm() {
	modprobe -a nfit nd_pmem $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/famfs_lite.ko
	wait_for_blockdev /dev/pmem0
	[ "$(daxlite-ctl attach namespace0.0)" = dax0 ]
	mkdir -p "$1"
}

# run_case NAME FUNCTION [ARGS...]
run_case() {
	_name=$1
	shift
	dmesg_mark
	(set -e; "$@") > /tmp/case.out 2>&1
	_rc=$?
	if [ "$_rc" = 0 ]; then
		echo "CASE: PASS $_name"
	else
		echo "CASE: FAIL $_name (exit $_rc)"
	fi
	sed 's/^/    | /' /tmp/case.out
}

# skip_case NAME REASON: the case could not run; it is counted as skipped.
skip_case() {
	echo "CASE: SKIP $1: $2"
}

# run_rsync_case NAME FUNCTION: run_case, or skip_case on a kernel without
# AF_UNIX sockets (the tinyconfig-based debug kernel), which rsync needs
# for a local copy (socketpair()).
run_rsync_case() {
	if [ -e /proc/net/unix ]; then
		run_case "$1" "$2"
	else
		skip_case "$1" "no AF_UNIX sockets in this kernel; rsync needs them"
	fi
}

die() {
	echo "$*" >&2
	exit 1
}

# Remember where the kernel log is, so a case can look at what it added.
dmesg_mark() {
	dmesg | wc -l > /tmp/dmesg.mark
}

dmesg_new() {
	dmesg | tail -n +$(($(cat /tmp/dmesg.mark) + 1))
}

# expect_dmesg ERE: the kernel logged a line matching ERE since the mark.
expect_dmesg() {
	dmesg_new | grep -E "$1" || die "kernel log has no line matching: $1"
}

# expect_no_dmesg ERE: the kernel logged no line matching ERE since the mark.
expect_no_dmesg() {
	if dmesg_new | grep -E "$1"; then
		die "kernel log has a line matching: $1"
	fi
}

# console_quiet / console_restore: around a loop that floods the kernel log
# (a line per refused write), keep the flood off the slow console.  The log
# is cleared first, so that its own lines are all there to read afterwards
# (boot with log_buf_len= large enough); console_restore fails the case if
# the kernel logged a splat in between.  The case clears the log again at
# its end, so that later cases' marks count lines again.
console_quiet() {
	cut -f1 /proc/sys/kernel/printk > /tmp/console.level
	dmesg -c > /dev/null
	dmesg_mark
	dmesg -n 1
}

console_restore() {
	dmesg -n "$(cat /tmp/console.level)"
	echo "kernel log: $(dmesg_new | wc -l) lines"
	if dmesg_new | grep -E 'WARNING:|BUG[: ]|Oops|general protection|refcount_t|Poison overwritten|Redzone|Call Trace'; then
		die "the kernel log has a splat"
	fi
}

# kernel_since MAJOR MINOR: the running kernel is that version or later.
kernel_since() {
	set -- "$1" "$2" $(uname -r | tr '.-' '  ')
	[ "$3" -gt "$1" ] || { [ "$3" -eq "$1" ] && [ "$4" -ge "$2" ]; }
}

# set_aside_warning WHERE FILE: copy the kernel log on standard input,
# without the blocks of a WARNING whose "at" location (file:line function)
# matches the ERE WHERE: a warning of the kernel's own that a case
# expects; a line per block set aside is added to FILE.
set_aside_warning() {
	WHERE=$1 OUT=$2 awk '
		BEGIN { where = ENVIRON["WHERE"]; out = ENVIRON["OUT"] }
		/-+\[ cut here \]-+/ { inblk = 1; blk = $0 "\n"; next }
		inblk { blk = blk $0 "\n" }
		inblk && /---\[ end trace/ {
			inblk = 0
			if (blk ~ ("WARNING: CPU: [0-9]+ PID: [0-9]+ at " where))
				print "set aside" >> out
			else
				printf "%s", blk
			next
		}
		!inblk { print }
		END { if (inblk) printf "%s", blk }'
}

# expect_fail_errno RE CMD...: CMD fails, and its output matches the basic
# regular expression RE (which names the errno it failed with).
expect_fail_errno() {
	_msg=$1
	shift
	if "$@" > /tmp/cmd.out 2>&1; then
		cat /tmp/cmd.out
		die "expected failure ($_msg), but it succeeded: $*"
	fi
	cat /tmp/cmd.out
	grep -q "$_msg" /tmp/cmd.out || die "expected '$_msg' from: $*"
}

# wait_for_line FILE TEXT: wait up to 10 s for a line with TEXT in FILE
# (a background helper's output).
wait_for_line() {
	for _i in $(seq 100); do
		grep -q "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	cat "$1" 2> /dev/null
	die "no '$2' in $1"
}

# wait_for_blockdev DEV: wait up to 5 s for DEV to appear (udev-less
# guests create nodes asynchronously, after a driver binds).
wait_for_blockdev() {
	for _i in $(seq 50); do
		[ -b "$1" ] && return 0
		sleep 0.1
	done
	die "$1 did not appear"
}

# blkdev_size DEV: size in bytes from sysfs.
blkdev_size() {
	echo $(($(cat "/sys/class/block/${1#/dev/}/size") * 512))
}

# famfs_lite_pmd_roundtrip DEV SEED: make famfs_lite on DEV, store a 64 MiB
# file through mmap, check that it took PMD faults, fsck it after an
# unmount, and leave it mounted on /mnt/famfs with the data verified.
famfs_lite_pmd_roundtrip() {
	mkfs.famfs_lite "$1"
	mkdir -p /mnt/famfs
	mount -t famfs_lite "$1" /mnt/famfs
	fallocate -l 67108864 /mnt/famfs/f
	daxtest mmap-fill /mnt/famfs/f 0 67108864 "$2"
	_out=$(daxtest fault-count /mnt/famfs/f 0 67108864)
	echo "$_out"
	_n=${_out##*faults=}
	[ "${_n%% *}" -le 40 ] || die "no PMD faults on $1"
	umount /mnt/famfs
	fsck.famfs_lite "$1" | grep 'clean: 1 files'
	mount -t famfs_lite "$1" /mnt/famfs
	daxtest read-verify /mnt/famfs/f 0 67108864 "$2"
}

# nvdimm_labels_reset: give every NVDIMM empty namespace labels, so the
# suite can make its namespaces with ndctl create-namespace.
nvdimm_labels_reset() {
	ndctl disable-region all
	ndctl init-labels -f all
	ndctl enable-region all
}

# driver_of SYSFS_DEV: the driver the device is bound to, or nothing.
driver_of() {
	[ -e "$1/driver" ] && basename "$(readlink "$1/driver")"
}

# json_field FIELD FILE: a string field of ndctl's JSON output.
json_field() {
	awk -F'"' -v f="$1" '$2 == f { print $4; exit }' "$2"
}

# extents FILE: "logical physical length" per extent of a file, in 4 KiB
# blocks, from filefrag.
extents() {
	filefrag -v "$1" | awk '$1 ~ /^[0-9]+:$/ { print $2, $4, $6 }' | tr -d .:
}

# extents_past_head FILE: how many extents of FILE reach past its first
# 2 MiB (its head may be in several pieces, taken while it was small).
extents_past_head() {
	extents "$1" | awk '$1 + $3 > 512' | wc -l
}

# aligned_past_head FILE: every extent of FILE from its first 2 MiB on has
# file and device offsets that agree modulo 2 MiB (2 MiB pages work).
aligned_past_head() {
	extents "$1" | while read -r _l _p _n; do
		[ $((_l + _n)) -le 512 ] || [ $(((_p - _l) % 512)) = 0 ] ||
			die "$1: extent at file block $_l is at device block $_p"
	done
}

# log_entry DEV TYPE N: the index of the Nth log entry of TYPE (1 create,
# 2 allocate, ...) of the famfs_lite file system on DEV.
log_entry() {
	_i=0
	_n=0
	while :; do
		_t=$(famfsl_poke "$1" get entry $_i type)
		[ "$_t" = 0 ] && return 1
		if [ "$_t" = "$2" ]; then
			_n=$((_n + 1))
			[ $_n = "$3" ] && echo $_i && return 0
		fi
		_i=$((_i + 1))
	done
}
