# SPDX-License-Identifier: GPL-2.0-only
# make bench, inside the guest: every daxlite path and its stock peer, on
# namespaces of one NVDIMM, in the same boot.  Each case prints a
# "BENCH: KIND NAME key=value..." line for scripts/bench.sh; a case fails
# only if the measurement could not be made, never on a number.
. /tests/lib.sh

MB=1048576
LEN=$((128 * MB))
BS=$MB

# bench KIND NAME ARGS...: run daxbench KIND ARGS and tag its line.
bench() {
	_kind=$1 _name=$2
	shift 2
	_out=$(daxbench "$_kind" "$@")
	echo "BENCH: $_kind $_name $_out"
}

case_setup() {
	modprobe -a nfit nd_pmem dax_pmem device_dax libcrc32c
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/dax_blk.ko
	insmod $MODDIR/famfs_lite.ko
	nvdimm_labels_reset
	ndctl create-namespace -m fsdax -s 192M > /tmp/fsdax.json
	ndctl create-namespace -m devdax -s 192M > /tmp/devdax.json
	ndctl create-namespace -m raw -s 192M > /tmp/raw1.json
	ndctl create-namespace -m raw -s 192M > /tmp/raw2.json
	# the large ones: metadata, replay, space and fsync of a 1 GiB file
	ndctl create-namespace -m raw -s 2560M > /tmp/raw3.json
	ndctl create-namespace -m raw -s 1280M > /tmp/raw4.json
	json_field blockdev /tmp/fsdax.json > /tmp/pmem
	json_field chardev /tmp/devdax.json > /tmp/devdax
	[ "$(daxlite-ctl attach "$(json_field dev /tmp/raw1.json)")" = dax0 ]
	[ "$(daxlite-ctl attach --block "$(json_field dev /tmp/raw2.json)")" = daxblk0 ]
	[ "$(daxlite-ctl attach "$(json_field dev /tmp/raw3.json)")" = dax1 ]
	[ "$(daxlite-ctl attach --block "$(json_field dev /tmp/raw4.json)")" = daxblk1 ]
	wait_for_blockdev /dev/daxblk1
	wait_for_blockdev "/dev/$(cat /tmp/pmem)"
	[ -c "/dev/$(cat /tmp/devdax)" ]
}

case_raw_devices() {
	bench rw pmem "/dev/$(cat /tmp/pmem)" $LEN $BS
	bench rw dax_chardev /dev/dax0 $LEN $BS
	bench rw dax_blk /dev/daxblk0 $LEN $BS
	bench mmap device_dax "/dev/$(cat /tmp/devdax)" $LEN
	bench mmap dax_chardev /dev/dax0 $LEN
	bench touch device_dax "/dev/$(cat /tmp/devdax)" $LEN
}

case_file_systems() {
	mkfs.ext4 -q -F -b 4096 "/dev/$(cat /tmp/pmem)"
	mkdir -p /mnt/ext4 /mnt/famfs
	mount -t ext4 -o dax "/dev/$(cat /tmp/pmem)" /mnt/ext4
	mkfs.famfs_lite /dev/dax0 > /dev/null
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	fallocate -l $LEN /mnt/ext4/f
	fallocate -l $LEN /mnt/famfs/f
	bench mmap ext4-dax /mnt/ext4/f $LEN
	bench mmap famfs_lite /mnt/famfs/f $LEN
	bench rw ext4-dax /mnt/ext4/f $LEN $BS
	bench rw famfs_lite /mnt/famfs/f $LEN $BS
	bench touch ext4-dax /mnt/ext4/f $LEN
	bench touch famfs_lite /mnt/famfs/f $LEN
	umount /mnt/famfs
	umount /mnt/ext4
}

# Allocation and copy: famfs_lite zeroes new space (at once, or ahead in
# the background), ext4 -o dax reserves it unwritten (zeroing later, at
# first use): the closest to an allocation that does not zero.
# alloc_set FS DIR: the same allocations on one file system.
alloc_set() {
	_fs=$1 _d=$2
	mkdir -p $_d/fresh2 $_d/fresh128 $_d/reuse2 $_d/reuse128
	# 128 MiB, then 8 x 2 MiB in other space, both removed, then again
	bench alloc "$_fs 128M-fresh" $_d/fresh128 $((128 * MB)) 1
	bench alloc "$_fs 2M-fresh" $_d/fresh2 $((2 * MB)) 8
	rm $_d/fresh2/* $_d/fresh128/*
	sync
	bench alloc "$_fs 128M-reuse" $_d/reuse128 $((128 * MB)) 1
	rm $_d/reuse128/*
	bench alloc "$_fs 2M-reuse" $_d/reuse2 $((2 * MB)) 8
	rm -r $_d/fresh2 $_d/fresh128 $_d/reuse2 $_d/reuse128
}

case_allocation() {
	dd if=/dev/urandom of=/tmp/src64 bs=1M count=64 2> /dev/null
	mkfs.ext4 -q -F -b 4096 "/dev/$(cat /tmp/pmem)"
	mount -t ext4 -o dax "/dev/$(cat /tmp/pmem)" /mnt/ext4
	alloc_set ext4-dax /mnt/ext4
	bench copy "ext4-dax cp-64M" /tmp/src64 /mnt/ext4/cp 131072
	umount /mnt/ext4
	# famfs_lite, no background zeroing: every allocation zeroes
	echo N > /sys/module/famfs_lite/parameters/prezero
	mkfs.famfs_lite -f /dev/dax0 > /dev/null
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	alloc_set famfs_lite-sync /mnt/famfs
	bench copy "famfs_lite-sync cp-64M" /tmp/src64 /mnt/famfs/cp 131072
	out=$(daxtest fault-count /mnt/famfs/cp 0 $((64 * MB)))
	n=${out##*faults=}
	echo "BENCH: faults famfs_lite cp-64M-touch faults=${n%% *}"
	umount /mnt/famfs
	# with it: the free space is zeroed ahead, a while after the mount
	# and after each removal
	echo Y > /sys/module/famfs_lite/parameters/prezero
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	rm /mnt/famfs/cp
	sleep 5
	_d=/mnt/famfs
	mkdir -p $_d/fresh2 $_d/fresh128 $_d/reuse2 $_d/reuse128
	bench alloc "famfs_lite-prezeroed 128M-fresh" $_d/fresh128 $((128 * MB)) 1
	bench alloc "famfs_lite-prezeroed 2M-fresh" $_d/fresh2 $((2 * MB)) 8
	rm $_d/fresh2/* $_d/fresh128/*
	sleep 5
	bench alloc "famfs_lite-prezeroed 128M-reuse" $_d/reuse128 $((128 * MB)) 1
	rm $_d/reuse128/*
	sleep 5
	bench alloc "famfs_lite-prezeroed 2M-reuse" $_d/reuse2 $((2 * MB)) 8
	rm -r $_d/fresh2 $_d/fresh128 $_d/reuse2 $_d/reuse128
	sleep 5
	bench copy "famfs_lite-prezeroed cp-64M" /tmp/src64 /mnt/famfs/cp 131072
	umount /mnt/famfs
	rm /tmp/src64
}

# Metadata: creates, stats, renames and unlinks of NFILES empty files in
# one directory, famfs_lite on dax1 and ext4 -o dax and xfs -o dax on
# daxblk1 (dax_blk), and tmpfs.
NFILES=10000

case_metadata() {
	mkdir -p /mnt/tmpfs /mnt/xfs /mnt/ext4 /mnt/famfs
	mount -t tmpfs -o size=256M tmpfs /mnt/tmpfs
	bench meta tmpfs /mnt/tmpfs $NFILES
	umount /mnt/tmpfs
	mkfs.ext4 -q -F -b 4096 /dev/daxblk1
	mount -t ext4 -o dax /dev/daxblk1 /mnt/ext4
	bench meta ext4-dax /mnt/ext4 $NFILES
	umount /mnt/ext4
	mkfs.xfs -q -f -m reflink=0 /dev/daxblk1
	mount -t xfs -o dax /dev/daxblk1 /mnt/xfs
	bench meta xfs-dax /mnt/xfs $NFILES
	umount /mnt/xfs
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 /mnt/famfs
	_c0=$(dmesg | grep -c 'dax1: log compacted' || true)
	_out=$(daxbench meta /mnt/famfs $NFILES)
	_c1=$(dmesg | grep -c 'dax1: log compacted' || true)
	echo "BENCH: meta famfs_lite $_out compactions=$((_c1 - _c0))"
	umount /mnt/famfs
}

# log_entries: the committed entries of dax1's log, from fsck.
log_entries() {
	fsck.famfs_lite /dev/dax1 | sed -n 's/.*log \([0-9]*\) of \([0-9]*\) entries.*/\1 \2/p'
}

# best3 CMD...: run a daxbench command that prints "ms=X ..." three times
# and print the line with the smallest ms (short figures, noisy under TCG
# on a shared host).  CMD may leave something to undo: the caller does it
# through $BEST3_AFTER.
best3() {
	for _i in 1 2 3; do
		"$@"
		[ -z "${BEST3_AFTER:-}" ] || $BEST3_AFTER
	done | awk '{ split($1, kv, "=")
		if (NR == 1 || kv[2] + 0 < min) { min = kv[2] + 0; line = $0 } }
		END { print line }'
}

# replay_point WHAT: dax1 unmounted; time a mount (the replay of the
# whole log) and fsck, best of three each, and say how many entries they
# read.
replay_point() {
	_m=$(BEST3_AFTER="umount /mnt/famfs" best3 daxbench mount /dev/dax1 /mnt/famfs famfs_lite)
	_f=$(best3 daxbench time fsck.famfs_lite /dev/dax1)
	[ -n "$_m" ] && [ -n "$_f" ]
	set -- $1 $(log_entries)
	echo "BENCH: replay famfs_lite $1 entries=$2 capacity=$3 mount_${_m} fsck_${_f}"
}

# Mount (replay) and fsck time at 1,000 and 10,000 log entries, at a full
# log (renames up to a few slots short of the capacity) and after
# compaction (mount -o remount,compact).
case_replay() {
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 /mnt/famfs
	daxbench files /mnt/famfs 0 1000 0 > /dev/null
	umount /mnt/famfs
	replay_point 1000-files
	mount -t famfs_lite /dev/dax1 /mnt/famfs
	daxbench files /mnt/famfs 1000 9000 0 > /dev/null
	umount /mnt/famfs
	replay_point 10000-files
	# renames up to 16 slots short of the capacity; daxbench ends with
	# the files under their first names, renaming the last partial round
	# back: 2 n k + r renames then write 2 n k + 2 r entries
	set -- $(log_entries)
	_b=$(($2 - $1 - 16))
	_k=$((_b / 20000))
	mount -t famfs_lite /dev/dax1 /mnt/famfs
	daxbench renames /mnt/famfs 10000 $((_k * 20000 + (_b - _k * 20000) / 2)) > /dev/null
	umount /mnt/famfs
	replay_point full-log
	mount -t famfs_lite /dev/dax1 /mnt/famfs
	mount -o remount,compact /mnt/famfs
	umount /mnt/famfs
	replay_point compacted
}

# Space: cp -r of 1,000 files of 4 KiB (a tree of 10 directories), and
# the space 10,000 files of 4 KiB take (famfs_lite: as many as fit).
case_space() {
	for d in 0 1 2 3 4 5 6 7 8 9; do
		mkdir -p /tmp/tree/d$d
		daxbench files /tmp/tree/d$d 0 100 4096 > /dev/null
	done
	mkfs.ext4 -q -F -b 4096 /dev/daxblk1
	mount -t ext4 -o dax /dev/daxblk1 /mnt/ext4
	_t=$(daxbench time cp -r /tmp/tree /mnt/ext4/tree)
	echo "BENCH: copy ext4-dax cp-tree-1000 $_t"
	diff -r /tmp/tree /mnt/ext4/tree
	rm -r /mnt/ext4/tree
	mkdir /mnt/ext4/small
	echo "BENCH: space ext4-dax small-4k $(daxbench files /mnt/ext4/small 0 $NFILES 4096)"
	umount /mnt/ext4
	# a 16 MiB log: 10,000 files need 20,000 entries once compacted
	mkfs.famfs_lite -f -l 16M /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 /mnt/famfs
	_t=$(daxbench time cp -r /tmp/tree /mnt/famfs/tree)
	echo "BENCH: copy famfs_lite cp-tree-1000 $_t"
	diff -r /tmp/tree /mnt/famfs/tree
	rm -r /mnt/famfs/tree
	mkdir /mnt/famfs/small
	echo "BENCH: space famfs_lite small-4k $(daxbench files /mnt/famfs/small 0 $NFILES 4096)"
	umount /mnt/famfs
	rm -r /tmp/tree
}

# fsync after dirtying 1, 16 and 128 MiB through a mapping of a 1 GiB
# file whose every page is mapped and written (the first figure: the
# whole GiB dirty, once; the others best of three).
case_fsync() {
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 /mnt/famfs
	fallocate -l 1G /mnt/famfs/big
	bench fsync famfs_lite /mnt/famfs/big $((1024 * MB)) 1 16 128
	umount /mnt/famfs
	mkfs.ext4 -q -F -b 4096 /dev/daxblk1
	mount -t ext4 -o dax /dev/daxblk1 /mnt/ext4
	fallocate -l 1G /mnt/ext4/big
	bench fsync ext4-dax /mnt/ext4/big $((1024 * MB)) 1 16 128
	umount /mnt/ext4
}

run_case setup-namespaces case_setup
run_case raw-devices case_raw_devices
run_case file-systems case_file_systems
# the ceiling: memcpy between two anonymous buffers, after the data paths
# (its 256 MiB of anonymous memory is freed again before the next case)
run_case memcpy bench memcpy anon $LEN
run_case allocation case_allocation
run_case metadata case_metadata
run_case replay case_replay
run_case space case_space
run_case fsync case_fsync
