# SPDX-License-Identifier: GPL-2.0-only
# An fsdax namespace's /dev/pmemN served as /dev/daxN by dax_chardev,
# borrowing pmem's mapping and dax_device, so famfs_lite runs on pmem.
. /tests/lib.sh

MB=1048576

case_make_fsdax_namespace() {
	modprobe -a nfit nd_pmem $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/famfs_lite.ko
	nvdimm_labels_reset
	ndctl create-namespace -m fsdax -s 256M | tee /tmp/ns.json
	pm=$(json_field blockdev /tmp/ns.json)
	echo "$pm" > /tmp/pmem
	[ -b /dev/$pm ]
}

case_attach_block_device() {
	pm=$(cat /tmp/pmem)
	echo /dev/$pm > /sys/class/dax_chardev/attach
	[ -c /dev/dax0 ]
	s=/sys/class/dax_chardev/dax0
	[ "$(cat $s/backing)" = persistent ]
	size=$(cat $s/size)
	[ $((size % (2 * MB))) = 0 ] && [ "$size" -gt $((200 * MB)) ] &&
		[ "$size" -le $((256 * MB)) ] || die "size $size"
	expect_dmesg "dax_core: dax0: serving $pm at"
	# The block device is ours now.
	expect_fail_errno 'in use' mkfs.ext4 -q -F /dev/$pm
	daxlite-ctl list | grep '"dev":"dax0"'
}

case_famfs_lite_on_pmem() {
	famfs_lite_pmd_roundtrip /dev/dax0 111
}

case_detach_gives_pmem_back() {
	pm=$(cat /tmp/pmem)
	expect_fail_errno 'busy' sh -c 'echo dax0 > /sys/class/dax_chardev/detach'
	umount /mnt/famfs
	echo dax0 > /sys/class/dax_chardev/detach
	[ ! -e /dev/dax0 ]
	expect_dmesg 'dax_chardev: detach'
	# Our data, read through pmem itself.
	dd if=/dev/$pm of=/tmp/head bs=4096 count=1 2> /dev/null
	[ "$(head -c 8 /tmp/head)" = FAMFSLT1 ] || die "pmem does not show the superblock"
	mkfs.ext4 -q -F -b 4096 /dev/$pm
}

# unbind_pmem: take /dev/pmemN's driver away, as an unbind or a disabled
# namespace does; the kernel cannot refuse it.
unbind_pmem() {
	_pm=$(cat /tmp/pmem)
	_dev=$(basename "$(readlink -f /sys/block/$_pm/device)")
	echo "$_dev" > /tmp/pmem-parent
	echo "$_dev" > /sys/bus/nd/drivers/nd_pmem/unbind
	[ ! -e /sys/block/$_pm ] || die "$_pm is still there"
}

rebind_pmem() {
	cat /tmp/pmem-parent > /sys/bus/nd/drivers/nd_pmem/bind
	wait_for_blockdev /dev/$(cat /tmp/pmem)
}

# pmem goes away under a mounted famfs_lite: users get EIO and SIGBUS,
# never the memory, and umount and detach still work.
case_pmem_removed_under_famfs_lite() {
	pm=$(cat /tmp/pmem)
	echo /dev/$pm > /sys/class/dax_chardev/attach
	mkfs.famfs_lite -f /dev/dax0
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	fallocate -l $((4 * MB)) /mnt/famfs/f
	daxtest write /mnt/famfs/f 0 $((4 * MB)) 112
	daxtest mmap-probe /mnt/famfs/f 4 > /tmp/probe.out &
	wait_for_line /tmp/probe.out mapped
	# A page held by a pipe: the unbind waits until the pipe lets it go.
	fallocate -l $((2 * MB)) /mnt/famfs/pinned
	daxtest pin-hold /mnt/famfs/pinned 3 > /tmp/pin.out &
	wait_for_line /tmp/pin.out pinned
	unbind_pmem
	expect_dmesg 'famfs_lite: dax0: inode [0-9]+: waiting for a pipe or an I/O to release its pages'
	expect_fail_errno 'Input/output error' touch /mnt/famfs/new
	[ "$(daxtest io /mnt/famfs/f read 0 4096)" = err=EIO ]
	[ "$(daxtest io /mnt/famfs/f write 0 4096)" = err=EIO ]
	expect_dmesg 'dax_core: dax0: its memory .* went away'
	expect_dmesg 'famfs_lite: dax0: the device went away'
	wait
	cat /tmp/probe.out
	grep -q sigbus /tmp/probe.out || die "the old mapping still reads"
	umount /mnt/famfs
	echo dax0 > /sys/class/dax_chardev/detach
	[ ! -e /dev/dax0 ]
	rebind_pmem
}

# The same under a raw mapping of /dev/daxN.
case_pmem_removed_under_raw_mapping() {
	pm=$(cat /tmp/pmem)
	echo /dev/$pm > /sys/class/dax_chardev/attach
	daxtest mmap-probe /dev/dax0 4 > /tmp/probe.out &
	wait_for_line /tmp/probe.out mapped
	unbind_pmem
	[ "$(daxtest io /dev/dax0 read 0 4096)" = err=EIO ]
	[ "$(daxtest io /dev/dax0 write 0 4096)" = err=EIO ]
	wait
	cat /tmp/probe.out
	grep -q sigbus /tmp/probe.out || die "the old mapping still reads"
	echo dax0 > /sys/class/dax_chardev/detach
	rebind_pmem
}

case_attach_by_number_and_refusals() {
	pm=$(cat /tmp/pmem)
	cat /sys/block/$pm/dev > /sys/class/dax_chardev/attach
	[ -c /dev/dax0 ]
	echo dax0 > /sys/class/dax_chardev/detach
	expect_fail_errno 'No such device' sh -c 'echo /dev/null > /sys/class/dax_chardev/attach'
	# "dax device" only where dax_core takes dax bus devices over
	expect_dmesg "attach: '/dev/null' is no NVDIMM namespace, (dax device )?nor a block device"
	expect_fail_errno 'No such file' sh -c 'echo nonsense > /sys/class/dax_chardev/attach'
	rmmod famfs_lite dax_chardev dax_core
}

run_case make-fsdax-namespace case_make_fsdax_namespace
run_case attach-fsdax-block-device case_attach_block_device
run_case famfs_lite-on-pmem case_famfs_lite_on_pmem
run_case detach-gives-pmem-back case_detach_gives_pmem_back
run_case pmem-removed-under-famfs_lite case_pmem_removed_under_famfs_lite
run_case pmem-removed-under-raw-mapping case_pmem_removed_under_raw_mapping
run_case attach-by-number-and-refusals case_attach_by_number_and_refusals
