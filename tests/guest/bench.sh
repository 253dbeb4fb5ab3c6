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
	json_field blockdev /tmp/fsdax.json > /tmp/pmem
	json_field chardev /tmp/devdax.json > /tmp/devdax
	[ "$(daxlite-ctl attach "$(json_field dev /tmp/raw1.json)")" = dax0 ]
	[ "$(daxlite-ctl attach --block "$(json_field dev /tmp/raw2.json)")" = daxblk0 ]
	wait_for_blockdev "/dev/$(cat /tmp/pmem)"
	[ -c "/dev/$(cat /tmp/devdax)" ]
}

case_raw_devices() {
	bench rw pmem "/dev/$(cat /tmp/pmem)" $LEN $BS
	bench rw dax_chardev /dev/dax0 $LEN $BS
	bench rw dax_blk /dev/daxblk0 $LEN $BS
	bench mmap device_dax "/dev/$(cat /tmp/devdax)" $LEN
	bench mmap dax_chardev /dev/dax0 $LEN
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

run_case setup-namespaces case_setup
run_case raw-devices case_raw_devices
run_case file-systems case_file_systems
run_case allocation case_allocation
