# SPDX-License-Identifier: GPL-2.0-only
# A device much larger than the guest's RAM: a 64 GiB NVDIMM (a sparse
# backing file, never fully touched) in a 4 GiB guest, served with its
# struct pages on the device itself (map=dev) and, for comparison, in RAM
# (map=mem).  Prints the RAM each way costs, and attach and mount times.
. /tests/lib.sh

MB=1048576
GB=$((1024 * MB))

avail_kib() {
	awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo
}

# now: seconds since boot, with hundredths.
now() {
	cut -d' ' -f1 /proc/uptime
}

secs_since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

case_load() {
	modprobe -a nfit nd_pmem $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/famfs_lite.ko
	wait_for_blockdev /dev/pmem0
	[ "$(blkdev_size /dev/pmem0)" -gt $((63 * GB)) ]
	mkdir -p /mnt/famfs
}

# attach_measured MAP: attach namespace0.0 with MAP, print what it cost.
attach_measured() {
	before=$(avail_kib)
	t=$(now)
	[ "$(daxlite-ctl attach --map=$1 namespace0.0)" = dax0 ]
	secs=$(secs_since "$t")
	after=$(avail_kib)
	size=$(cat /sys/class/dax_chardev/dax0/size)
	cost=$((before - after))
	echo "map=$1: attach ${secs}s, $((size / GB)) GiB served, RAM cost $((cost / 1024)) MiB ($((cost * 1024 / (size / GB))) bytes per GiB)"
	echo "$cost" > /tmp/cost-$1
	echo "$size" > /tmp/size-$1
}

# The first and the last 2 MiB of the device, stored and read back through
# 2 MiB mappings.
ends_roundtrip() {
	size=$(cat /sys/class/dax_chardev/dax0/size)
	daxtest mmap-fill /dev/dax0 0 $((2 * MB)) 141
	daxtest mmap-fill /dev/dax0 $((size - 2 * MB)) $((2 * MB)) 142
	daxtest mmap-verify /dev/dax0 0 $((2 * MB)) 141
	daxtest mmap-verify /dev/dax0 $((size - 2 * MB)) $((2 * MB)) 142
	out=$(daxtest fault-count /dev/dax0 $((size - 64 * MB)) $((64 * MB)))
	echo "$out"
	n=${out##*faults=}
	[ "${n%% *}" -le 40 ] || die "no PMD faults at the end of the device"
}

case_map_dev() {
	attach_measured dev
	size=$(cat /tmp/size-dev)
	# The memmap of 64 GiB is 1 GiB, carved out of the device's start.
	[ "$size" -le $((63 * GB)) ] && [ "$size" -gt $((62 * GB)) ] || die "size $size"
	expect_dmesg 'dax_core: dax0: serving .* its struct pages in the 1024 MiB before it'
	# Less than 1 % of the device's size in RAM.
	[ "$(cat /tmp/cost-dev)" -lt $((64 * GB / 1024 / 100)) ] ||
		die "map=dev cost $(cat /tmp/cost-dev) KiB of RAM"
	ends_roundtrip
	t=$(now)
	mkfs.famfs_lite -f /dev/dax0 > /dev/null
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	echo "mkfs and mount of $((size / GB)) GiB: $(secs_since "$t")s"
	famfs_lite_pmd_check /mnt/famfs/first 143
	umount /mnt/famfs
}

# A file's first 64 MiB, stored through 2 MiB faults and verified.
famfs_lite_pmd_check() {
	fallocate -l $((64 * MB)) "$1"
	daxtest mmap-fill "$1" 0 $((64 * MB)) "$2"
	out=$(daxtest fault-count "$1" 0 $((64 * MB)))
	echo "$out"
	n=${out##*faults=}
	[ "${n%% *}" -le 40 ] || die "no PMD faults on $1"
	daxtest mmap-verify "$1" 0 $((64 * MB)) "$2"
}

case_persists_with_the_same_layout() {
	echo dax0 > /sys/class/dax_chardev/detach
	rmmod famfs_lite dax_chardev
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/famfs_lite.ko
	[ "$(daxlite-ctl attach --map=dev namespace0.0)" = dax0 ]
	[ "$(cat /sys/class/dax_chardev/dax0/size)" = "$(cat /tmp/size-dev)" ]
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	daxtest mmap-verify /mnt/famfs/first 0 $((64 * MB)) 143
	umount /mnt/famfs
	fsck.famfs_lite /dev/dax0 | grep 'clean: 1 files'
	echo dax0 > /sys/class/dax_chardev/detach
}

case_map_mem_for_comparison() {
	attach_measured mem
	[ "$(cat /tmp/cost-mem)" -gt $((900 * 1024)) ] ||
		die "map=mem cost only $(cat /tmp/cost-mem) KiB of RAM"
	# map=dev's layout is not map=mem's: no superblock at offset 0.
	expect_fail_errno 'Invalid argument' mount -t famfs_lite /dev/dax0 /mnt/famfs
	echo dax0 > /sys/class/dax_chardev/detach
	echo "RAM per GiB served: map=dev $(($(cat /tmp/cost-dev) * 1024 / ($(cat /tmp/size-dev) / GB))) bytes, map=mem $(($(cat /tmp/cost-mem) * 1024 / ($(cat /tmp/size-mem) / GB))) bytes"
}

case_bad_options() {
	expect_fail_errno 'Invalid argument' sh -c 'echo "namespace0.0 map=disk" > /sys/class/dax_chardev/attach'
	expect_dmesg "attach: unknown option 'map=disk'"
	rmmod famfs_lite dax_chardev dax_core
}

run_case load case_load
run_case map-dev-64g case_map_dev
run_case map-dev-persists-with-the-same-layout case_persists_with_the_same_layout
run_case map-mem-64g-for-comparison case_map_mem_for_comparison
run_case bad-attach-options case_bad_options
