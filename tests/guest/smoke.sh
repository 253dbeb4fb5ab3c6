# SPDX-License-Identifier: GPL-2.0-only
# The stock kernel alone, no daxlite module: does this kernel boot in the
# harness, load its pmem and filesystem modules from the initramfs and
# run ext4 with DAX?  A first check of a kernel daxlite is being ported
# to (run-guest.sh -V NAME -a 'memmap=512M!0x40000000' smoke).  The
# memmap=...! range is legacy pmem, which nd_e820 turns into /dev/pmem0.
. /tests/lib.sh

case_kernel() {
	uname -r
	grep -q 'memmap=512M!0x40000000' /proc/cmdline ||
		die "boot with memmap=512M!0x40000000"
}

case_pmem() {
	modprobe -a nfit nd_pmem nd_e820 ext4
	wait_for_blockdev /dev/pmem0
	[ "$(blkdev_size /dev/pmem0)" = $((512 << 20)) ] || die "pmem0 is not 512 MiB"
	lsmod
}

case_ext4_dax() {
	mkfs.ext4 -q -F -b 4096 /dev/pmem0
	mkdir -p /mnt/pm
	mount -t ext4 -o dax /dev/pmem0 /mnt/pm
	grep ' /mnt/pm ' /proc/mounts
	grep ' /mnt/pm ' /proc/mounts | grep -q 'dax' || die "not mounted with dax"
	dd if=/dev/urandom of=/tmp/ref bs=1M count=8 2>/dev/null
	cp /tmp/ref /mnt/pm/data
	sync
	umount /mnt/pm
	mount -t ext4 -o dax /dev/pmem0 /mnt/pm
	cmp /tmp/ref /mnt/pm/data
	umount /mnt/pm
}

run_case kernel-release case_kernel
run_case pmem-from-memmap case_pmem
run_case ext4-mount-o-dax-write-read case_ext4_dax
