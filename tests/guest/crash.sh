# SPDX-License-Identifier: GPL-2.0-only
# Crash points of famfs_lite's metadata log (make crash).  Needs the
# modules built with DAXL_RECORD=1 (run-guest.sh -K build/mods-record) and
# memmap=128M$0x80000000: dax0 (64 MiB) holds the file system the workload
# runs on while dax_core records every store to it and every flush; dax1
# (64 MiB) receives, one after the other, the images a crash at each
# point would leave (famfsl_crash check).
# $1: OPS-SAMPLES-SUBSETS-SEED[-VERSION] (default 1000-200-40-1): the
# workload's operations, the random points between flushes, the subset
# variants, and the format version mkfs makes (default its own, 3).
. /tests/lib.sh

ARG=${1:-1000-200-40-1}
OPS=$(echo "$ARG" | cut -d- -f1)
SAMPLES=$(echo "$ARG" | cut -d- -f2)
SUBSETS=$(echo "$ARG" | cut -d- -f3)
SEED=$(echo "$ARG" | cut -d- -f4)
VERSION=$(echo "$ARG" | cut -d- -f5)
M=/mnt/famfs
# The log: two areas of 4080 entries.
LOG=2M
LOG_BYTES=$((2 << 20))
C=/mnt/crash
REC=/sys/kernel/debug/daxlite_record

case_load() {
	modprobe -a libnvdimm $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko record_max_mb=128
	insmod $MODDIR/dax_chardev.ko ranges=64M@0x80000000,64M@0x84000000
	insmod $MODDIR/famfs_lite.ko
	[ -e $REC/control ] || die "dax_core.ko was not built with DAXL_RECORD=1"
	expect_dmesg 'built with DAXL_RECORD'
	mkdir -p $M $C
}

# The recorder's control file refuses what it does not know, and a mark
# outside a recording.
case_recorder_interface() {
	expect_fail_errno 'Invalid argument' sh -c "echo bogus > $REC/control"
	expect_fail_errno 'No such device' sh -c "echo start nosuch > $REC/control"
	expect_fail_errno 'Invalid argument' sh -c "echo mark 1 > $REC/control"
	grep '^stopped' $REC/control
}

case_record_workload() {
	# A pattern where files will be: a file must show its allocation's
	# zeroes after a crash, never this.
	dd if=/dev/zero bs=1M count=64 2> /dev/null | tr '\000' '\252' > /dev/dax0
	mkfs.famfs_lite ${VERSION:+-F $VERSION} -l $LOG /dev/dax0
	echo "format version $(famfsl_poke /dev/dax0 get sb version)"
	# A log area a few entries short of full, with an empty tree: the
	# workload's first changes compact it on their own.
	_cap=$(famfsl_poke /dev/dax0 get log capacity)
	mount -t famfs_lite /dev/dax0 $M
	famfsl_crash fill $M $((_cap - 8))
	umount $M
	_used=$(famfsl_poke /dev/dax0 get log next_index)
	echo "log area: $_used of $_cap entries used before the workload"
	[ "$_used" -lt "$_cap" ] && [ "$_used" -ge $((_cap - 12)) ] ||
		die "the fill left $_used of $_cap entries used"
	cat /dev/dax0 > /tmp/base.img
	echo start dax0 > $REC/control
	expect_fail_errno 'busy' sh -c "echo start dax1 > $REC/control"
	expect_fail_errno 'busy' cat $REC/log
	mount -t famfs_lite /dev/dax0 $M
	_t0=$(date +%s)
	famfsl_crash workload $M "$OPS" "$SEED" $REC/control > /tmp/ops.log
	echo "workload: $(wc -l < /tmp/ops.log) operations in $(($(date +%s) - _t0))s:" \
		$(cut -d' ' -f2 /tmp/ops.log | sort | uniq -c | tr '\n' ' ')
	[ "$(wc -l < /tmp/ops.log)" = "$OPS" ]
	umount $M
	# Then, as operation $OPS, an offline compaction: fsck.famfs_lite
	# --compact writes through dax_chardev's write and fsync, which the
	# recorder sees as it sees the kernel's own stores and flushes.
	echo "mark $((2 * OPS))" > $REC/control
	fsck.famfs_lite --compact /dev/dax0 > /tmp/fsck-compact.out
	echo "mark $((2 * OPS + 1))" > $REC/control
	cat /tmp/fsck-compact.out
	grep -q 'compacted: log generation' /tmp/fsck-compact.out
	echo "$OPS fsck-compact" >> /tmp/ops.log
	echo stop > $REC/control
	cat $REC/control
	grep -x 'overflows 0' $REC/control
	cat $REC/log > /tmp/rec.bin
	famfsl_crash info /tmp/rec.bin
	fsck.famfs_lite /dev/dax0
}

# The record holds every metadata store: replayed in full onto the image
# of the start, it gives the superblock and log the device has now.
case_record_is_complete() {
	_n=$(famfsl_crash info /tmp/rec.bin | sed 's/.*records=\([0-9]*\).*/\1/')
	famfsl_crash rebuild /tmp/base.img /tmp/rec.bin "$_n" /tmp/end.img
	# superblock (2 MiB) and the log
	head -c $(((2 << 20) + LOG_BYTES)) /dev/dax0 > /tmp/now.meta
	head -c $(((2 << 20) + LOG_BYTES)) /tmp/end.img > /tmp/end.meta
	cmp /tmp/now.meta /tmp/end.meta
	rm -f /tmp/end.img /tmp/now.meta /tmp/end.meta
}

case_crash_points() {
	_t0=$(date +%s)
	famfsl_crash check /tmp/base.img /tmp/rec.bin /tmp/ops.log /dev/dax1 $C \
		"$SAMPLES" "$SUBSETS" "$SEED" > /tmp/check.out 2>&1 || {
		head -c 20000 /tmp/check.out
		die "crash points failed"
	}
	cat /tmp/check.out
	echo "in $(($(date +%s) - _t0))s"
	grep -q 'crash points checked: [0-9]*, 0 failed;' /tmp/check.out
	# The workload compacts every 100th operation, and one of its first
	# operations found the log area full and compacted it; fsck --compact
	# did once more at the end: each switch (the log_gen store) was
	# recorded, and points inside compactions mounted the old generation
	# and the new one, some inside the automatic one, some inside fsck's.
	_c=$(grep -c ' compact$' /tmp/ops.log)
	[ "$_c" -ge 1 ] || [ "$OPS" -lt 100 ]
	grep -q "; $_c compactions by remount, 1 automatic, 1 by fsck --compact, $((_c + 2)) log_gen stores" /tmp/check.out
	grep -qE 'points inside compactions: [0-9]+ \([1-9][0-9]* with the old generation, [1-9][0-9]* with the new\), [1-9][0-9]* of them automatic' /tmp/check.out
	grep -qE 'points inside fsck --compact: [0-9]+ \([1-9][0-9]* with the old generation, [1-9][0-9]* with the new\)' /tmp/check.out
}

case_unload() {
	rmmod famfs_lite dax_chardev dax_core
}

run_case load case_load
run_case recorder-interface case_recorder_interface
run_case record-workload case_record_workload
run_case record-is-complete case_record_is_complete
run_case crash-points case_crash_points
run_case unload case_unload
