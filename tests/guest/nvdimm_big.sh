# SPDX-License-Identifier: GPL-2.0-only
# A device much larger than the guest's RAM: a 64 GiB NVDIMM (a sparse
# backing file, never fully touched) in a 4 GiB guest, served with its
# struct pages on the device itself (map=dev) and, for comparison, in RAM
# (map=mem).  Prints the RAM each way costs, and attach and mount times at
# 1, 16 and 64 GiB (a line "size: ..." each, for the README's table).
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

# The namespace measured.
NS=namespace0.0

# attach_measured MAP: attach $NS with MAP, print what it cost.
attach_measured() {
	before=$(avail_kib)
	t=$(now)
	[ "$(daxlite-ctl attach --map=$1 $NS)" = dax0 ]
	secs=$(secs_since "$t")
	after=$(avail_kib)
	size=$(cat /sys/class/dax_chardev/dax0/size)
	cost=$((before - after))
	echo "map=$1: attach ${secs}s, $((size / MB)) MiB served, RAM cost $((cost / 1024)) MiB ($((cost * 1024 / (size / MB) * 1024)) bytes per GiB)"
	echo "$cost" > /tmp/cost-$1
	echo "$size" > /tmp/size-$1
	echo "$secs" > /tmp/attach-$1
}

# carve BYTES: the map=dev carve-out of a range of BYTES: the 2 MiB info
# block, then 64 bytes of struct page per 4 KiB page, rounded up to 2 MiB.
carve() {
	echo $((2 * MB + ($1 / 4096 * 64 + 2 * MB - 1) / (2 * MB) * (2 * MB)))
}

# mkfs_mount_measured: make famfs_lite on dax0 and mount it, timed apart.
mkfs_mount_measured() {
	t=$(now)
	mkfs.famfs_lite /dev/dax0 > /dev/null
	echo "$(secs_since "$t")" > /tmp/mkfs-secs
	t=$(now)
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	echo "$(secs_since "$t")" > /tmp/mount-secs
}

# report NAME MAP: the line the README's table is made from.
report() {
	echo "size: $1 map=$2 attach $(cat /tmp/attach-$2)s mkfs $(cat /tmp/mkfs-secs)s mount $(cat /tmp/mount-secs)s RAM $(($(cat /tmp/cost-$2) / 1024)) MiB, $(($(cat /tmp/cost-$2) * 1024 / ($(cat /tmp/size-$2) / MB) * 1024)) bytes per GiB served"
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
	# before 6.12 raw mappings take 4 KiB ptes only (compat.h)
	if kernel_since 6 12; then
		[ "${n%% *}" -le 40 ] || die "no PMD faults at the end of the device"
	else
		[ "${n%% *}" -ge 16384 ] || die "$(uname -r): ${n%% *} faults, expected 16384 4 KiB ones"
	fi
}

# map=mem first, on the fresh device: the RAM it costs, and famfs_lite
# made and mounted on it.  Its superblock is wiped afterwards, or the
# map=dev attach would refuse to write struct pages over it.
case_map_mem_for_comparison() {
	attach_measured mem
	[ "$(cat /tmp/cost-mem)" -gt $((900 * 1024)) ] ||
		die "map=mem cost only $(cat /tmp/cost-mem) KiB of RAM"
	mkfs_mount_measured
	report 64G mem
	umount /mnt/famfs
	daxtest mmap-fill /dev/dax0 0 $((2 * MB)) 140
	echo dax0 > /sys/class/dax_chardev/detach
}

case_map_dev() {
	attach_measured dev
	size=$(cat /tmp/size-dev)
	# The memmap of 64 GiB is 1 GiB, carved out of the device's start
	# after the 2 MiB info block that records it.
	full=$(cat /tmp/size-mem)
	[ "$(carve "$full")" = $((1026 * MB)) ] || die "carve-out of $full: $(carve "$full")"
	[ "$size" = $((full - 1026 * MB)) ] || die "size $size of $full"
	expect_dmesg 'dax_core: dax0: \[.*\] now carries a map=dev info block: its first 1026 MiB hold it and the struct pages'
	expect_dmesg 'dax_core: dax0: serving .* its info block and struct pages in the 1026 MiB before it'
	# Less than 1 % of the device's size in RAM.
	[ "$(cat /tmp/cost-dev)" -lt $((64 * GB / 1024 / 100)) ] ||
		die "map=dev cost $(cat /tmp/cost-dev) KiB of RAM"
	ends_roundtrip
	mkfs_mount_measured
	report 64G dev
	famfs_lite_pmd_check /mnt/famfs/first 143
	umount /mnt/famfs
}

# A new file of 64 MiB, stored through 2 MiB faults and verified.
famfs_lite_pmd_check() {
	fallocate -l $((64 * MB)) "$1"
	pmd_fill_check "$1" "$2"
}

# pmd_fill_check FILE SEED: the first 64 MiB of FILE, stored through 2 MiB
# faults and verified.
pmd_fill_check() {
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
	dmesg_mark
	[ "$(daxlite-ctl attach --map=dev namespace0.0)" = dax0 ]
	expect_no_dmesg 'now carries a map=dev info block'
	[ "$(cat /sys/class/dax_chardev/dax0/size)" = "$(cat /tmp/size-dev)" ]
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	daxtest mmap-verify /mnt/famfs/first 0 $((64 * MB)) 143
	umount /mnt/famfs
	fsck.famfs_lite /dev/dax0 | grep 'clean: 1 files'
	echo dax0 > /sys/class/dax_chardev/detach
}

# md5_of FILE FIRST COUNT: the md5 of COUNT 2 MiB blocks of FILE from
# block FIRST on.
md5_of() {
	dd if="$1" bs=$((2 * MB)) skip="$2" count="$3" 2> /dev/null | md5sum | cut -d' ' -f1
}

# Files across the whole device: at its start (from the case before), in
# its middle and in its last 2 MiB.  famfs_lite allocates first fit, so
# reaching the far end through it would write 63 GiB of zeros into the
# sparse backing file: the two files are made small, near the start, and
# their extents then moved in the log (famfsl_poke recomputes the CRC), as
# another host's tools could have placed them.
case_files_across_the_device() {
	[ "$(daxlite-ctl attach --map=dev $NS)" = dax0 ]
	size=$(cat /sys/class/dax_chardev/dax0/size)
	mid=$((size / 2 / (2 * MB) * (2 * MB)))
	last=$((size - 2 * MB))
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	fallocate -l $((64 * MB)) /mnt/famfs/middle
	fallocate -l $((2 * MB)) /mnt/famfs/last
	umount /mnt/famfs
	a_mid=$(log_entry /dev/dax0 2 2)
	a_last=$(log_entry /dev/dax0 2 3)
	[ "$(famfsl_poke /dev/dax0 get entry $a_mid alloc.size)" = $((64 * MB)) ]
	[ "$(famfsl_poke /dev/dax0 get entry $a_last alloc.size)" = $((2 * MB)) ]
	was=$(famfsl_poke /dev/dax0 get entry $a_mid alloc.ext[0].dev_offset)
	famfsl_poke /dev/dax0 entry $a_mid alloc.ext[0].dev_offset $mid
	famfsl_poke /dev/dax0 entry $a_last alloc.ext[0].dev_offset $last
	fsck.famfs_lite /dev/dax0 | grep 'clean: 3 files'
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	# The last 2 MiB still hold what ends_roundtrip stored there.
	[ "$(md5_of /mnt/famfs/last 0 1)" = "$(md5_of /dev/dax0 $((last / (2 * MB))) 1)" ]
	daxtest mmap-fill /mnt/famfs/last 0 $((2 * MB)) 147
	pmd_fill_check /mnt/famfs/middle 146
	# A new file takes the space the moved ones left, after "first".
	famfs_lite_pmd_check /mnt/famfs/new 148
	md5_of /mnt/famfs/last 0 1 > /tmp/md5-last
	md5_of /mnt/famfs/middle 0 32 > /tmp/md5-middle
	umount /mnt/famfs
	a_new=$(log_entry /dev/dax0 2 4)
	[ "$(famfsl_poke /dev/dax0 get entry $a_new alloc.ext[0].dev_offset)" = "$was" ]
	# The files' data is where the log says, seen through /dev/dax0.
	[ "$(md5_of /dev/dax0 $((last / (2 * MB))) 1)" = "$(cat /tmp/md5-last)" ]
	[ "$(md5_of /dev/dax0 $((mid / (2 * MB))) 32)" = "$(cat /tmp/md5-middle)" ]
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	daxtest mmap-verify /mnt/famfs/first 0 $((64 * MB)) 143
	daxtest mmap-verify /mnt/famfs/middle 0 $((64 * MB)) 146
	daxtest mmap-verify /mnt/famfs/last 0 $((2 * MB)) 147
	daxtest mmap-verify /mnt/famfs/new 0 $((64 * MB)) 148
	df -k /mnt/famfs
	umount /mnt/famfs
	fsck.famfs_lite /dev/dax0 | grep 'clean: 4 files'
	echo dax0 > /sys/class/dax_chardev/detach
}

# Now that it carries a map=dev info block, map=mem is refused: famfs_lite
# would see the block and the struct pages as its data.
case_map_mem_refused_on_map_dev() {
	expect_fail_errno 'Invalid argument' daxlite-ctl attach --map=mem namespace0.0
	expect_dmesg 'dax0: \[.*\] holds a map=dev info block \(a [0-9]+ MiB range whose struct pages take its first 1026 MiB\); attach it with map=dev'
	[ ! -e /dev/dax0 ]
	echo "RAM per GiB served: map=dev $(($(cat /tmp/cost-dev) * 1024 / ($(cat /tmp/size-dev) / MB) * 1024)) bytes, map=mem $(($(cat /tmp/cost-mem) * 1024 / ($(cat /tmp/size-mem) / MB) * 1024)) bytes"
}

case_bad_options() {
	expect_fail_errno 'Invalid argument' sh -c 'echo "namespace0.0 map=disk" > /sys/class/dax_chardev/attach'
	expect_dmesg "attach: unknown option 'map=disk'"
}

# The same at 1 and 16 GiB: namespaces of that size, made with labels.
case_smaller_sizes() {
	nvdimm_labels_reset
	for g in 1 16; do
		ndctl create-namespace -m raw -s ${g}G > /tmp/ns.json
		NS=$(json_field dev /tmp/ns.json)
		bdev=/dev/$(json_field blockdev /tmp/ns.json)
		if [ $g = 1 ]; then
			# The first starts where the 64 GiB one did, whose
			# info block is still there: map=mem is refused
			# until it is wiped.
			dmesg_mark
			expect_fail_errno 'Invalid argument' daxlite-ctl attach --map=mem $NS
			expect_dmesg 'holds a map=dev info block \(a 65534 MiB range'
			# The refused attach left it bound to no driver.
			ndctl enable-namespace $NS
		fi
		# Wiped through nd_pmem's /dev/pmemN.
		wait_for_blockdev $bdev
		dd if=/dev/zero of=$bdev bs=4096 count=1 oflag=direct 2> /dev/null
		attach_measured mem
		mkfs_mount_measured
		report ${g}G mem
		umount /mnt/famfs
		daxtest mmap-fill /dev/dax0 0 $((2 * MB)) 144
		echo dax0 > /sys/class/dax_chardev/detach
		attach_measured dev
		full=$(cat /tmp/size-mem)
		[ "$(cat /tmp/size-dev)" = $((full - $(carve "$full"))) ] ||
			die "map=dev size $(cat /tmp/size-dev) of $full"
		mkfs_mount_measured
		report ${g}G dev
		umount /mnt/famfs
		echo dax0 > /sys/class/dax_chardev/detach
		ndctl disable-namespace $NS
		ndctl destroy-namespace -f $NS
	done
	rmmod famfs_lite dax_chardev dax_core
}

run_case load case_load
run_case map-mem-64g-for-comparison case_map_mem_for_comparison
run_case map-dev-64g case_map_dev
run_case map-dev-persists-with-the-same-layout case_persists_with_the_same_layout
run_case files-at-the-start-middle-and-end case_files_across_the_device
run_case map-mem-refused-on-a-map-dev-device case_map_mem_refused_on_map_dev
run_case bad-attach-options case_bad_options
run_case sizes-1g-and-16g case_smaller_sizes
