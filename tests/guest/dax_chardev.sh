# SPDX-License-Identifier: GPL-2.0-only
# dax_chardev in the stock kernel: /dev/daxN, raw read/write/mmap, PMD
# faults, holders.  The guest boots with memmap=1G$0x80000000.
. /tests/lib.sh

MB=1048576
SIZE0=$((512 * MB))

load_cdev() {
	insmod $MODDIR/dax_chardev.ko "$@"
}

case_bad_params() {
	modprobe libnvdimm
	insmod $MODDIR/dax_core.ko
	expect_fail_errno 'Invalid parameters' load_cdev ranges=garbage
	expect_dmesg 'dax_core: dax_chardev: ranges="garbage": cannot parse'
	expect_fail_errno 'Invalid parameters' load_cdev ranges=511M@0x80000000
	expect_dmesg 'dax0: range .* is not 2 MiB aligned'
	! grep -q '^dax_chardev ' /proc/modules || die "dax_chardev stayed loaded"
	! ls /dev/dax[0-9]* 2> /dev/null || die "a device was left behind"
}

case_load() {
	load_cdev ranges=512M@0x80000000,256M@0xa0000000
	for d in dax0 dax1; do
		[ -c /dev/$d ] || die "/dev/$d is not a character device"
		[ "$(stat -c %a /dev/$d)" = 600 ] || die "/dev/$d is not mode 0600"
	done
	s=/sys/class/dax_chardev/dax0
	[ "$(cat $s/size)" = $SIZE0 ] || die "size: $(cat $s/size)"
	[ "$(cat $s/start)" = 0x80000000 ] || die "start: $(cat $s/start)"
	# a physical address: root's only, as a namespace's resource
	[ "$(stat -c %a $s/start)" = 400 ] || die "start is mode $(stat -c %a $s/start)"
	[ "$(cat $s/align)" = 2097152 ] || die "align: $(cat $s/align)"
	[ "$(cat $s/backing)" = volatile ] || die "backing: $(cat $s/backing)"
	[ "$(cat /sys/class/dax_chardev/dax1/size)" = $((256 * MB)) ]
	[ "$(daxtest seek-end /dev/dax0)" = $SIZE0 ] || die "SEEK_END is not the size"
	grep ' : dax0$' /proc/iomem
}

case_overlap_across_modules() {
	expect_fail_errno 'Device or resource busy' \
		insmod $MODDIR/dax_blk.ko ranges=64M@0xa4000000
	expect_dmesg 'daxblk0: range \[0xa4000000-0xa7ffffff\] overlaps \[0xa0000000-0xafffffff\] served by dax1'
	insmod $MODDIR/dax_blk.ko ranges=256M@0xb0000000
	[ -b /dev/daxblk0 ]
	rmmod dax_blk
}

case_pwrite_then_mmap() {
	# Crosses 4 KiB and 2 MiB boundaries at both ends.
	off=$((2 * MB - 3000))
	len=$((2 * MB + 10000))
	daxtest write /dev/dax0 $off $len 41
	daxtest mmap-verify /dev/dax0 $off $len 41
	daxtest read-verify /dev/dax0 $off $len 41
}

case_mmap_then_pread() {
	off=$((6 * MB - 5))
	len=$((4 * MB + 7))
	daxtest mmap-fill /dev/dax0 $off $len 42
	daxtest read-verify /dev/dax0 $off $len 42
	rc=0
	daxtest mmap-verify /dev/dax1 0 $MB 42 || rc=$?
	[ $rc = 1 ] || die "dax1 should hold other data (verify exit $rc)"
}

case_read_only_shared_mapping() {
	daxtest mmap-verify /dev/dax0 $((2 * MB - 3000)) $((2 * MB + 10000)) 41
}

case_end_of_device() {
	[ "$(daxtest io /dev/dax0 read $SIZE0 4096)" = ret=0 ]
	[ "$(daxtest io /dev/dax0 read $((SIZE0 - 100)) 4096)" = ret=100 ]
	[ "$(daxtest io /dev/dax0 write $SIZE0 4096)" = err=ENOSPC ]
	[ "$(daxtest io /dev/dax0 write $((SIZE0 - 100)) 4096)" = ret=100 ]
	[ "$(dd if=/dev/dax0 bs=4096 skip=$((SIZE0 / 4096)) count=1 2> /dev/null | wc -c)" = 0 ]
}

# faults LINE: the fault count daxtest fault-count printed.
faults() {
	echo "$1" >&2
	f=${1##*faults=}
	echo "${f%% *}"
}

case_pmd_faults() {
	# 64 MiB is 32 PMDs, or 16384 PTEs when PMDs are forbidden.
	pmd=$(faults "$(daxtest fault-count /dev/dax0 0 $((64 * MB)))")
	pte=$(faults "$(daxtest fault-count /dev/dax0 0 $((64 * MB)) nohuge)")
	# Kernels before 6.12 cannot mark a 2 MiB pfn mapping special, so raw
	# mappings there take 4 KiB ptes only (include/daxlite/compat.h).
	if ! kernel_since 6 12; then
		[ "$pmd" -ge 16384 ] ||
			die "$(uname -r): a raw mapping took $pmd faults, expected 16384 4 KiB ones"
		[ "$pte" -ge 16384 ] || die "MADV_NOHUGEPAGE mapping took only $pte faults"
		return 0
	fi
	[ "$pmd" -ge 32 ] && [ "$pmd" -le 40 ] ||
		die "2 MiB-aligned mapping took $pmd faults, expected about 32"
	[ "$pte" -ge 16384 ] || die "MADV_NOHUGEPAGE mapping took only $pte faults"
	# At offset 4 KiB the mapping is placed so that inner PMDs still fit:
	# 511 PTEs up to the first 2 MiB boundary, 31 PMDs, 1 PTE.
	mid=$(faults "$(daxtest fault-count /dev/dax0 4096 $((64 * MB)))")
	[ "$mid" -ge 543 ] && [ "$mid" -le 560 ] ||
		die "offset mapping took $mid faults, expected about 543"
}

# A raw mapping is VM_PFNMAP, with no page state: get_user_pages() (here
# vmsplice's) must refuse it, in a 2 MiB mapping as in a 4 KiB one.
case_raw_mapping_refuses_gup() {
	out=$(daxtest raw-gup /dev/dax0)
	echo "$out"
	case "$out" in
	*" vmsplice=EFAULT vmsplice=EFAULT vmsplice=EFAULT") ;;
	*) die "get_user_pages took pages of a raw mapping: $out" ;;
	esac
}

case_map_private_refused() {
	[ "$(daxtest mmap-errno /dev/dax0 0 4096 private)" = EINVAL ]
	expect_dmesg 'dax0: daxtest: MAP_PRIVATE is not supported'
}

case_map_out_of_range_refused() {
	[ "$(daxtest mmap-errno /dev/dax0 $((SIZE0 - 4096)) 8192 shared)" = EINVAL ]
	[ "$(daxtest mmap-errno /dev/dax0 $((SIZE0 * 4)) 4096 shared)" = EINVAL ]
	expect_dmesg 'dax0: daxtest: mapping past the end of the device'
	[ "$(daxtest mmap-errno /dev/dax0 $((SIZE0 - 4096)) 4096 shared)" = ok ]
}

case_holder_excludes_raw_use() {
	insmod $MODDIR/daxl_holder.ko devs=/dev/dax1
	[ "$(daxtest mmap-errno /dev/dax1 0 4096 shared)" = EBUSY ]
	[ "$(daxtest io /dev/dax1 write 0 4096)" = err=EBUSY ]
	[ "$(daxtest io /dev/dax1 read 0 4096)" = ret=4096 ]
	expect_dmesg 'dax1: daxtest: mmap refused, the device is held by a filesystem'
	expect_dmesg 'dax1: daxtest: write refused, the device is held by a filesystem'
	# The other device is not affected.
	[ "$(daxtest mmap-errno /dev/dax0 0 4096 shared)" = ok ]
	expect_fail_errno 'in use' rmmod dax_chardev
	rmmod daxl_holder
	[ "$(daxtest mmap-errno /dev/dax1 0 4096 shared)" = ok ]
	[ "$(daxtest io /dev/dax1 write 0 4096)" = ret=4096 ]
}

case_second_holder_refused() {
	expect_fail_errno 'Device or resource busy' \
		insmod $MODDIR/daxl_holder.ko devs=/dev/dax1,/dev/dax1
	expect_dmesg 'dax_core: dax1: held by daxl_holder, refusing daxl_holder'
	! grep -q '^daxl_holder ' /proc/modules
	# The first claim was released: holding works again.
	insmod $MODDIR/daxl_holder.ko devs=/dev/dax1
	rmmod daxl_holder
}

case_raw_mapping_refuses_holder() {
	daxtest mmap-hold /dev/dax1 4 > /tmp/hold.out &
	wait_for_line /tmp/hold.out mapped
	expect_fail_errno 'Device or resource busy' \
		insmod $MODDIR/daxl_holder.ko devs=/dev/dax1
	expect_dmesg 'dax1: mapped or being written through the device, refusing daxl_holder'
	wait
	# Mapping, its forked copy and its split pieces are all gone.
	insmod $MODDIR/daxl_holder.ko devs=/dev/dax1
	rmmod daxl_holder
}

case_rmmod_while_open_refused() {
	exec 3< /dev/dax0
	expect_fail_errno 'in use' rmmod dax_chardev
	exec 3<&-
}

case_unload() {
	rmmod dax_chardev
	! ls /dev/dax[0-9]* 2> /dev/null || die "device left after rmmod"
	! grep -E ' : dax[0-9]+$' /proc/iomem || die "memory left claimed"
	[ ! -e /sys/class/dax_chardev ] || die "class left behind"
}

case_reload_keeps_data() {
	load_cdev ranges=512M@0x80000000,256M@0xa0000000
	daxtest read-verify /dev/dax0 $((2 * MB - 3000)) $((2 * MB + 10000)) 41
	daxtest read-verify /dev/dax0 $((6 * MB - 5)) $((4 * MB + 7)) 42
	rmmod dax_chardev
}

# Raw mappings must leave no page state behind: serve the same memory to
# ext4 through dax_blk and map files there.  fs/dax.c warns if a page
# still had a mapping (the host fails the boot on any warning).
case_raw_mmap_leaves_no_page_state() {
	load_cdev ranges=64M@0x80000000
	daxtest fault-count /dev/dax0 0 $((64 * MB))
	daxtest fault-count /dev/dax0 4096 $((32 * MB))
	rmmod dax_chardev
	insmod $MODDIR/dax_blk.ko ranges=64M@0x80000000
	mkfs.ext4 -q -F -b 4096 /dev/daxblk0
	mkdir -p /mnt/ext4
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	daxtest mmap-fill /mnt/ext4/f 0 $((48 * MB)) 43
	daxtest mmap-verify /mnt/ext4/f 0 $((48 * MB)) 43
	umount /mnt/ext4
	rmmod dax_blk dax_core
}

# map=dev records its carve-out in an info block at the range's first
# byte: written at the first map=dev attach, checked at every later one;
# an attach that would misplace the data or the struct pages is refused.
case_map_dev_info_block() {
	insmod $MODDIR/dax_core.ko
	# A file system made with map=mem: map=dev would write over it.
	load_cdev ranges=256M@0xb0000000
	mkfs.famfs_lite /dev/dax0 > /dev/null
	rmmod dax_chardev
	expect_fail_errno 'Invalid parameters' load_cdev ranges=256M@0xb0000000:map=dev
	expect_dmesg 'dax0: \[0xb0000000-0xbfffffff\] holds a famfs_lite file system made with map=mem; map=dev would write struct pages over it'
	load_cdev ranges=256M@0xb0000000
	fsck.famfs_lite /dev/dax0 | grep 'clean: 0 files'
	daxtest mmap-fill /dev/dax0 0 $((2 * MB)) 44
	rmmod dax_chardev
	# 256 MiB: 4 MiB of struct pages after the 2 MiB info block.
	load_cdev ranges=256M@0xb0000000:map=dev
	expect_dmesg 'dax0: \[0xb0000000-0xbfffffff\] now carries a map=dev info block: its first 6 MiB hold it and the struct pages'
	[ "$(cat /sys/class/dax_chardev/dax0/size)" = $((250 * MB)) ]
	daxtest mmap-fill /dev/dax0 0 $((8 * MB)) 45
	rmmod dax_chardev
	dmesg_mark
	load_cdev ranges=256M@0xb0000000:map=dev
	expect_no_dmesg 'now carries a map=dev info block'
	expect_dmesg 'dax0: serving \[0xb0600000-0xbfffffff\] \(250 MiB, volatile\), its info block and struct pages in the 6 MiB before it'
	daxtest read-verify /dev/dax0 0 $((8 * MB)) 45
	rmmod dax_chardev
	# Another size, or map=mem, would misplace data or struct pages.
	expect_fail_errno 'Invalid parameters' load_cdev ranges=128M@0xb0000000:map=dev
	expect_dmesg 'dax0: \[0xb0000000-0xb7ffffff\] holds a map=dev info block for a 256 MiB range with a 6 MiB carve-out, not this 128 MiB one; refusing it'
	expect_fail_errno 'Invalid parameters' load_cdev ranges=256M@0xb0000000
	expect_dmesg 'dax0: \[0xb0000000-0xbfffffff\] holds a map=dev info block \(a 256 MiB range whose struct pages take its first 6 MiB\); attach it with map=dev'
	expect_fail_errno 'Invalid parameters' load_cdev ranges=256M@0xb0000000:map=mem
	load_cdev ranges=256M@0xb0000000:map=dev
	daxtest read-verify /dev/dax0 0 $((8 * MB)) 45
	rmmod dax_chardev dax_core
}

# Before the info block, map=dev put the data right after the struct pages
# (at 4 MiB of a 256 MiB range); such a range has no block, and a map=dev
# attach now would write struct pages over its file system: refused, and
# nothing written.
case_map_dev_old_layout_refused() {
	insmod $MODDIR/dax_core.ko
	load_cdev ranges=256M@0xa0000000
	dd if=/dev/zero of=/dev/dax0 bs=$MB count=8 conv=notrunc 2> /dev/null
	printf FAMFSLT1 | dd of=/dev/dax0 bs=8 seek=$((4 * MB / 8)) conv=notrunc 2> /dev/null
	rmmod dax_chardev
	expect_fail_errno 'Invalid parameters' load_cdev ranges=256M@0xa0000000:map=dev
	expect_dmesg 'dax0: \[0xa0000000-0xafffffff\] holds a famfs_lite file system at byte 0x400000, made with map=dev before its info block existed; this map=dev would write struct pages over it'
	load_cdev ranges=256M@0xa0000000
	[ "$(dd if=/dev/dax0 bs=8 skip=$((4 * MB / 8)) count=1 2> /dev/null)" = FAMFSLT1 ]
	[ "$(dd if=/dev/dax0 bs=$MB count=4 2> /dev/null | tr -d '\000' | wc -c)" = 0 ]
	# Without the old superblock the first map=dev attach writes its block.
	dd if=/dev/zero of=/dev/dax0 bs=$MB count=8 conv=notrunc 2> /dev/null
	rmmod dax_chardev
	load_cdev ranges=256M@0xa0000000:map=dev
	expect_dmesg 'dax0: \[0xa0000000-0xafffffff\] now carries a map=dev info block: its first 6 MiB hold it and the struct pages'
	rmmod dax_chardev
	expect_fail_errno 'Invalid parameters' load_cdev ranges=256M@0xa0000000
	rmmod dax_core
}

run_case bad-params case_bad_params
run_case load case_load
run_case overlap-across-modules case_overlap_across_modules
run_case pwrite-then-mmap case_pwrite_then_mmap
run_case mmap-then-pread case_mmap_then_pread
run_case read-only-shared-mapping case_read_only_shared_mapping
run_case end-of-device case_end_of_device
run_case pmd-faults case_pmd_faults
run_case raw-mapping-refuses-gup case_raw_mapping_refuses_gup
run_case map-private-refused case_map_private_refused
run_case map-out-of-range-refused case_map_out_of_range_refused
run_case holder-excludes-raw-use case_holder_excludes_raw_use
run_case second-holder-refused case_second_holder_refused
run_case raw-mapping-refuses-holder case_raw_mapping_refuses_holder
run_case rmmod-while-open-refused case_rmmod_while_open_refused
run_case unload case_unload
run_case reload-keeps-data case_reload_keeps_data
run_case raw-mmap-leaves-no-page-state case_raw_mmap_leaves_no_page_state
run_case map-dev-info-block case_map_dev_info_block
run_case map-dev-old-layout-refused case_map_dev_old_layout_refused
