# SPDX-License-Identifier: GPL-2.0-only
# dax_core + dax_blk in the stock kernel.  The guest boots with
# memmap=1G$0x80000000, so [2 GiB, 3 GiB) is reserved RAM.
. /tests/lib.sh

R0=512M@0x80000000
R1=512M@0xa0000000
MB=1048576

load_blk() {
	insmod $MODDIR/dax_blk.ko "$@"
}

# is_zero N: standard input is N zero bytes.
is_zero() {
	[ "$(md5sum | cut -d' ' -f1)" = "$(head -c "$1" /dev/zero | md5sum | cut -d' ' -f1)" ]
}

# bad_ranges SPEC ERRNO ERE: insmod dax_blk ranges=SPEC fails with ERRNO
# (as strerror says it), logs ERE, and leaves no module, no device and no
# claimed memory behind.
bad_ranges() {
	expect_fail_errno "could not insert module .*: $2" load_blk ranges="$1"
	expect_dmesg "dax_(blk|core): .*$3"
	! grep -q '^dax_blk ' /proc/modules || die "dax_blk stayed loaded"
	! ls /dev/daxblk* 2> /dev/null || die "a device was left behind"
	! grep daxblk /proc/iomem || die "memory was left claimed"
}

case_core_loads() {
	modprobe libnvdimm
	insmod $MODDIR/dax_core.ko
	grep '^dax_core ' /proc/modules
}

case_bad_garbage() {
	for spec in foo 512M 512M@ @0x80000000 512M@0x80000000junk \
		    512M@0x80000000,; do
		bad_ranges "$spec" 'Invalid parameters' 'cannot parse'
	done
}

case_bad_overflow() {
	for spec in 99999999999999999999@0x80000000 16777216T@0x80000000 \
		    512M@0x10000000000000000; do
		bad_ranges "$spec" 'Numerical result out of range' \
			'does not fit in 64 bits'
	done
	# Fits in 64 bits, but the range wraps around the address space.
	bad_ranges 4M@0xfffffffffff00000 'Invalid parameters' 'overflows'
}

case_bad_unaligned() {
	bad_ranges 512M@0x80100000 'Invalid parameters' 'not 2 MiB aligned'
	bad_ranges 511M@0x80000000 'Invalid parameters' 'not 2 MiB aligned'
}

case_bad_zero_size() {
	bad_ranges 0@0x80000000 'Invalid parameters' 'empty range'
}

case_bad_system_ram() {
	bad_ranges 64M@0x10000000 'Invalid parameters' 'intersects System RAM'
}

case_bad_not_reserved() {
	# Nothing at 4 GiB in a 3 GiB guest; and a range running past the
	# reservation into the PCI hole.
	bad_ranges 64M@0x100000000 'Invalid parameters' 'not wholly reserved'
	bad_ranges 1G@0xa0000000 'Invalid parameters' 'not wholly reserved'
}

case_bad_firmware_area() {
	# The top 128 KiB of the guest's low memory are QEMU's ACPI tables,
	# which the kernel command line reserves here as memmap=2M$0xc7e00000.
	grep -q 'memmap=2M\$0xc7e00000' /proc/cmdline || die "boot without the firmware-area reservation"
	bad_ranges 2M@0xc7e00000 'Invalid parameters' \
		'range \[0xc7e00000-0xc7ffffff\] is not all RAM or persistent memory in the firmware.s memory map'
}

case_bad_overlap() {
	bad_ranges "$R0,512M@0x90000000" 'Device or resource busy' \
		'daxblk1: range \[0x90000000-0xafffffff\] overlaps \[0x80000000-0x9fffffff\] served by daxblk0'
}

case_bad_too_many() {
	spec=2M@0x80000000
	for i in $(seq 16); do
		spec=$spec,2M@$((0x80000000 + i * 2 * MB))
	done
	bad_ranges "$spec" 'Argument list too long' 'more than 16 ranges'
}

case_load_without_ranges() {
	load_blk
	expect_dmesg 'dax_core: dax_blk: no ranges= given'
	! ls /dev/daxblk* 2> /dev/null || die "unexpected device"
	rmmod dax_blk
}

# rmmod dax_blk while writers hammer its detach file (a write to detach
# always takes the driver's bind_lock; one to attach only for a namespace
# that exists): a write waiting for bind_lock must not hold up the removal
# of the file while the unload holds that lock.  A deadlock hangs the guest
# (the watchdog fails the boot).  Two writers, so that one waits while the
# other holds the lock.
case_rmmod_races_detach_writes() {
	f=/sys/bus/nd/drivers/dax_blk/detach
	load_blk
	console_quiet
	for w in 1 2; do
		sh -c "while :; do echo daxblk9 > $f; done" > /dev/null 2>&1 &
		eval pid$w=\$!
	done
	for i in $(seq 30); do
		sleep 0.2
		rmmod dax_blk
		load_blk
	done
	kill $pid1 $pid2
	wait $pid1 $pid2 || true
	console_restore
	# The writers did reach the driver, and it still works.
	expect_dmesg "dax_blk: detach: no device 'daxblk9' was attached" > /dev/null
	expect_fail_errno 'No such device' sh -c "echo daxblk9 > $f"
	rmmod dax_blk
	dmesg -c > /dev/null
}

case_load() {
	load_blk ranges=$R0,$R1
	for d in daxblk0 daxblk1; do
		[ -b /dev/$d ] || die "/dev/$d missing"
		[ "$(blkdev_size /dev/$d)" = $((512 * MB)) ] || die "$d: wrong size"
		[ "$(cat /sys/block/$d/queue/dax)" = 1 ] || die "$d: no DAX flag"
		# pmem's limits, so O_DIRECT users see the same alignment.
		[ "$(cat /sys/block/$d/queue/logical_block_size)" = 512 ] ||
			die "$d: logical block size is not 512"
		[ "$(cat /sys/block/$d/queue/physical_block_size)" = 4096 ] ||
			die "$d: physical block size is not 4096"
		grep " : $d\$" /proc/iomem || die "$d: range not claimed"
	done
	expect_dmesg 'daxblk0: serving \[0x80000000-0x9fffffff\] \(512 MiB, volatile\)'
}

case_block_io() {
	daxtest write /dev/daxblk0 $MB $((8 * MB)) 11
	echo 3 > /proc/sys/vm/drop_caches
	daxtest read-verify /dev/daxblk0 $MB $((8 * MB)) 11
	# The same bytes through O_DIRECT, in 4 KiB blocks.
	dd if=/dev/daxblk0 of=/tmp/direct bs=4096 skip=256 count=16 iflag=direct
	dd if=/dev/daxblk0 bs=4096 skip=256 count=16 2> /dev/null | cmp - /tmp/direct
	# Reads past the end return nothing.
	[ "$(dd if=/dev/daxblk0 bs=4096 skip=$((128 * 1024)) count=1 2> /dev/null | wc -c)" = 0 ]
}

case_discard_and_zeroes() {
	daxtest write /dev/daxblk0 0 $((4 * MB)) 12
	blkdiscard -o 0 -l $((2 * MB)) /dev/daxblk0
	echo 3 > /proc/sys/vm/drop_caches
	dd if=/dev/daxblk0 bs=$MB count=2 2> /dev/null | is_zero $((2 * MB))
	daxtest read-verify /dev/daxblk0 $((2 * MB)) $((2 * MB)) 12
	blkdiscard -z -o $((2 * MB)) -l $MB /dev/daxblk0
	echo 3 > /proc/sys/vm/drop_caches
	dd if=/dev/daxblk0 bs=$MB skip=2 count=1 2> /dev/null | is_zero $MB
	daxtest read-verify /dev/daxblk0 $((3 * MB)) $MB 12
}

# As on pmem, O_DIRECT needs only 512-byte alignment: on the disk itself,
# and in a file of ext4 mounted without DAX (which goes through bios).
case_odirect_512() {
	daxtest odirect /dev/daxblk1 $((MB + 512)) 1536 23
	daxtest read-verify /dev/daxblk1 $((MB + 512)) 1536 23
	mkfs.ext4 -q -F -b 4096 /dev/daxblk0
	mkdir -p /mnt/ext4
	mount -t ext4 /dev/daxblk0 /mnt/ext4
	! grep '^/dev/daxblk0 /mnt/ext4 ext4 .*dax' /proc/mounts || die "mounted with DAX"
	daxtest write /mnt/ext4/direct 0 8192 24
	daxtest odirect /mnt/ext4/direct 1024 1024 25
	daxtest statx-dax /mnt/ext4/direct && die "the file uses DAX"
	umount /mnt/ext4
	mount -t ext4 /dev/daxblk0 /mnt/ext4
	daxtest read-verify /mnt/ext4/direct 0 1024 24
	daxtest read-verify /mnt/ext4/direct 1024 1024 25
	daxtest read-verify /mnt/ext4/direct 2048 6144 24
	umount /mnt/ext4
}

case_ext4_dax() {
	mkfs.ext4 -q -F -b 4096 /dev/daxblk0
	mkdir -p /mnt/ext4
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	grep '^/dev/daxblk0 /mnt/ext4 ext4 .*dax=always' /proc/mounts
	daxtest mmap-fill /mnt/ext4/mapped 0 $((16 * MB)) 21
	daxtest statx-dax /mnt/ext4/mapped
	umount /mnt/ext4
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	daxtest read-verify /mnt/ext4/mapped 0 $((16 * MB)) 21
	expect_no_dmesg 'DAX unsupported|DAX not supported|[Tt]urning off DAX'
}

case_ext4_get_user_pages() {
	daxtest gup /mnt/ext4/mapped /dev/daxblk1
}

case_ext4_block_write_seen_by_dax() {
	blk=$(filefrag -v /mnt/ext4/mapped | awk '$1 == "0:" { print $4 }' | tr -d .)
	[ -n "$blk" ] || die "no extent found"
	echo "first data block of /mnt/ext4/mapped: $blk"
	umount /mnt/ext4
	daxtest write /tmp/blob 0 65536 22
	dd if=/tmp/blob of=/dev/daxblk0 bs=4096 seek="$blk" conv=notrunc oflag=direct
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	daxtest mmap-cat /mnt/ext4/mapped 0 65536 | cmp - /tmp/blob
}

case_xfs_dax() {
	mkfs.xfs -q -f -m reflink=0 /dev/daxblk1
	mkdir -p /mnt/xfs
	mount -t xfs -o dax /dev/daxblk1 /mnt/xfs
	grep '^/dev/daxblk1 /mnt/xfs xfs .*dax=always' /proc/mounts
	daxtest mmap-fill /mnt/xfs/mapped 0 $((16 * MB)) 31
	daxtest write /mnt/xfs/written 0 $((16 * MB)) 32
	daxtest statx-dax /mnt/xfs/mapped
	daxtest statx-dax /mnt/xfs/written
	umount /mnt/xfs
	mount -t xfs -o dax /dev/daxblk1 /mnt/xfs
	daxtest read-verify /mnt/xfs/mapped 0 $((16 * MB)) 31
	daxtest mmap-verify /mnt/xfs/written 0 $((16 * MB)) 32
	daxtest gup /mnt/xfs/mapped /dev/daxblk0
	expect_no_dmesg 'DAX unsupported|DAX not supported|[Tt]urning off DAX'
}

case_rmmod_while_mounted() {
	expect_fail_errno 'in use' rmmod dax_blk
	expect_fail_errno 'in use' rmmod dax_core
	grep '^dax_blk ' /proc/modules
	daxtest read-verify /mnt/ext4/mapped 65536 $((MB - 65536)) 21
}

case_unload_after_umount() {
	umount /mnt/ext4
	umount /mnt/xfs
	rmmod dax_blk
	! ls /dev/daxblk* 2> /dev/null || die "device left after rmmod"
	! grep daxblk /proc/iomem || die "memory left claimed after rmmod"
	rmmod dax_core
}

case_reload_keeps_data() {
	insmod $MODDIR/dax_core.ko
	load_blk ranges=$R0,$R1
	e2fsck -fn /dev/daxblk0
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	mount -t xfs -o dax /dev/daxblk1 /mnt/xfs
	daxtest mmap-cat /mnt/ext4/mapped 0 65536 | cmp - /tmp/blob
	daxtest mmap-verify /mnt/ext4/mapped 65536 $((16 * MB - 65536)) 21
	daxtest mmap-verify /mnt/xfs/written 0 $((16 * MB)) 32
	umount /mnt/ext4 /mnt/xfs
	rmmod dax_blk dax_core
}

# A page that ext4 mapped and a pipe still holds (vmsplice) outlives the
# umount: before 6.15 ext4 does not wait for it (fs/dax.c warns, in
# dax_disassociate_entry(): the kernel's, set aside and counted here).
# rmmod dax_blk must then wait for the pipe before the memory and its
# struct pages go, and say so.
case_held_page_outlives_umount() {
	insmod $MODDIR/dax_core.ko
	load_blk ranges=64M@0x80000000
	mkfs.ext4 -q -F -b 4096 /dev/daxblk0
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	daxtest write /mnt/ext4/p 0 $((2 * MB)) 51
	console_quiet
	daxtest pin-hold /mnt/ext4/p 12 > /tmp/pin.out &
	pin=$!
	wait_for_line /tmp/pin.out pinned
	umount /mnt/ext4
	rmmod dax_blk &
	unload=$!
	sleep 3
	grep -q '^dax_blk ' /proc/modules ||
		die "rmmod dax_blk did not wait for the page the pipe holds"
	dmesg_new | grep -E 'dax_core: daxblk0: a page of \[0x80000000-0x83ffffff\] is still held \(pinned\); waiting until it is let go' ||
		die "no line about the held page"
	wait $pin
	wait $unload || die "rmmod dax_blk failed"
	! grep -q '^dax_blk ' /proc/modules || die "dax_blk is still loaded"
	dmesg_new | grep 'dax_core: daxblk0: no page is held any more' ||
		die "no line about the page let go"
	rmmod dax_core
	dmesg -n "$(cat /tmp/console.level)"
	: > /tmp/set-aside
	dmesg_new | set_aside_warning 'fs/dax\.c:[0-9]+ dax_disassociate_entry' \
		/tmp/set-aside > /tmp/klog
	echo "fs/dax.c warnings of the kernel's set aside: $(wc -l < /tmp/set-aside)"
	if grep -E -B5 -A25 'WARNING:|BUG[: ]|Oops|general protection|refcount_t|Call Trace' /tmp/klog; then
		die "the kernel log has a splat"
	fi
	dmesg -c > /dev/null
}

run_case core-loads case_core_loads
run_case bad-ranges-garbage case_bad_garbage
run_case bad-ranges-overflow case_bad_overflow
run_case bad-ranges-unaligned case_bad_unaligned
run_case bad-ranges-zero-size case_bad_zero_size
run_case bad-ranges-system-ram case_bad_system_ram
run_case bad-ranges-not-reserved case_bad_not_reserved
run_case bad-ranges-firmware-area case_bad_firmware_area
run_case bad-ranges-overlap case_bad_overlap
run_case bad-ranges-too-many case_bad_too_many
run_case load-without-ranges case_load_without_ranges
run_case rmmod-races-detach-writes case_rmmod_races_detach_writes
run_case load case_load
run_case block-io case_block_io
run_case discard-and-write-zeroes case_discard_and_zeroes
run_case odirect-512-byte-aligned case_odirect_512
run_case ext4-dax-mmap-then-read case_ext4_dax
run_case ext4-dax-get-user-pages case_ext4_get_user_pages
run_case ext4-block-write-seen-by-dax case_ext4_block_write_seen_by_dax
run_case xfs-dax-mmap-and-read case_xfs_dax
run_case rmmod-refused-while-mounted case_rmmod_while_mounted
run_case unload-after-umount case_unload_after_umount
run_case reload-keeps-data case_reload_keeps_data
if kernel_since 6 15; then
	skip_case held-page-outlives-umount "ext4 waits for held pages at umount from 6.15"
else
	run_case held-page-outlives-umount case_held_page_outlives_umount
fi
