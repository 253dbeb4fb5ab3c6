# SPDX-License-Identifier: GPL-2.0-only
# Load/unload cycles of each module, without and with devices, and
# mount/umount cycles of famfs_lite: $1 is LOADS-MOUNTS, how many of each
# (default 20-200; scripts/check-debug.sh's DAXLITE_CYCLES); the
# suite's kmemleak scan (tests/vm/init) then must find nothing.  Meant for
# the debug kernel.  The guest boots with memmap=1G$0x80000000.  Each
# cycle's kernel lines are kept off the slow console, and the log is
# checked for reports after each kind of cycle.
. /tests/lib.sh

arg=${1:-20-200}
LOADS=${arg%-*}
MOUNTS=${arg#*-}
M=/mnt/famfs
MB=1048576
REPORTS='WARNING:|BUG[: ]|Oops|general protection|KASAN|possible recursive locking|circular locking|inconsistent lock state|refcount_t|Poison overwritten|Redzone|ODEBUG|kmemleak: [0-9]+ new suspected|unreferenced object|leak detector disabled|suspicious RCU|list_add corruption|list_del corruption'

# cycle N NAME CMD...: run CMD (one cycle) N times; print the time it
# took.
cycle() {
	N=$1
	_name=$2
	shift 2
	_level=$(cut -f1 /proc/sys/kernel/printk)
	dmesg -c > /dev/null
	dmesg -n 1
	_start=$(date +%s)
	_i=0
	while [ $_i -lt "$N" ]; do
		"$@" || { dmesg -n "$_level"; die "$_name: cycle $_i failed"; }
		_i=$((_i + 1))
		[ $((_i % 50)) = 0 ] && echo "cycles: $_name: $_i" > /dev/console
		if [ $((_i % 50)) = 0 ] && dmesg -c | grep -E -B5 -A25 "$REPORTS"; then
			dmesg -n "$_level"
			die "$_name: kernel report by cycle $_i"
		fi
	done
	dmesg -n "$_level"
	if dmesg -c | grep -E -B5 -A25 "$REPORTS"; then
		die "$_name: kernel report"
	fi
	_s=$(($(date +%s) - _start))
	echo "$_name: $N cycles in ${_s}s"
	echo "CYCLES: $_name $N ${_s}s"
}

core_cycle() {
	insmod $MODDIR/dax_core.ko && rmmod dax_core
}

chardev_cycle() {
	insmod $MODDIR/dax_chardev.ko "$@" && rmmod dax_chardev
}

chardev_dev_cycle() {
	insmod $MODDIR/dax_chardev.ko ranges=64M@0x80000000,64M@0x84000000 &&
		[ -c /dev/dax1 ] && rmmod dax_chardev
}

blk_cycle() {
	insmod $MODDIR/dax_blk.ko && rmmod dax_blk
}

blk_dev_cycle() {
	insmod $MODDIR/dax_blk.ko ranges=64M@0xa0000000,64M@0xa4000000 &&
		[ -e /sys/class/block/daxblk1 ] && rmmod dax_blk
}

famfs_cycle() {
	insmod $MODDIR/famfs_lite.ko && rmmod famfs_lite
}

mount_cycle() {
	mount -t famfs_lite /dev/dax0 $M && [ -f $M/d/f ] && umount $M
}

case_load_cycles() {
	modprobe -a libnvdimm $(famfs_lite_kernel_deps)
	cycle $LOADS dax_core core_cycle
	insmod $MODDIR/dax_core.ko
	cycle $LOADS dax_chardev chardev_cycle
	cycle $LOADS dax_chardev-with-devices chardev_dev_cycle
	cycle $LOADS dax_blk blk_cycle
	cycle $LOADS dax_blk-with-devices blk_dev_cycle
	cycle $LOADS famfs_lite famfs_cycle
}

case_mount_cycles() {
	insmod $MODDIR/dax_chardev.ko ranges=256M@0x80000000
	insmod $MODDIR/famfs_lite.ko
	mkfs.famfs_lite /dev/dax0
	mkdir -p $M
	mount -t famfs_lite /dev/dax0 $M
	mkdir $M/d
	fallocate -l $((4 * MB)) $M/d/f
	daxtest write $M/d/f 0 $((4 * MB)) 91
	umount $M
	cycle $MOUNTS mount-umount mount_cycle
	mount -t famfs_lite /dev/dax0 $M
	daxtest read-verify $M/d/f 0 $((4 * MB)) 91
	umount $M
	fsck.famfs_lite /dev/dax0 | grep 'clean: 1 files, 1 directories'
	rmmod famfs_lite dax_chardev dax_core
}

run_case load-unload-cycles case_load_cycles
run_case mount-umount-cycles case_mount_cycles
