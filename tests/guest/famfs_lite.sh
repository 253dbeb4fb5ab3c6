# SPDX-License-Identifier: GPL-2.0-only
# famfs_lite in the stock kernel, on dax_chardev devices.  The guest boots
# with memmap=1G$0x80000000: dax0 is 512 MiB, dax1 64 MiB (for corrupted
# and full file systems).
. /tests/lib.sh

MB=1048576
M=/mnt/famfs

case_load() {
	modprobe libcrc32c
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko ranges=512M@0x80000000,64M@0xa0000000
	insmod $MODDIR/famfs_lite.ko
	grep -w famfs_lite /proc/filesystems
}

case_mkfs() {
	mkfs.famfs_lite /dev/dax0
	fsck.famfs_lite /dev/dax0
}

case_mount_and_fill() {
	mkdir -p $M
	mount -t famfs_lite /dev/dax0 $M
	grep "^/dev/dax0 $M famfs_lite rw" /proc/mounts
	mkdir -p $M/a/b
	truncate -s $((8 * MB)) $M/a/data
	daxtest write $M/a/data 0 $((8 * MB)) 51
	fallocate -l $((16 * MB)) $M/a/b/mapped
	daxtest mmap-fill $M/a/b/mapped 0 $((16 * MB)) 52
	daxtest statx-dax $M/a/b/mapped
	ls -lR $M
	df -k $M
}

case_remount_verify() {
	umount $M
	fsck.famfs_lite -v /dev/dax0
	mount -t famfs_lite /dev/dax0 $M
	ls -lR $M
	daxtest read-verify $M/a/data 0 $((8 * MB)) 51
	daxtest mmap-verify $M/a/b/mapped 0 $((16 * MB)) 52
	daxtest read-verify $M/a/b/mapped 0 $((16 * MB)) 52
	umount $M
}

run_case load case_load
run_case mkfs case_mkfs
run_case mount-and-fill case_mount_and_fill
run_case remount-verify case_remount_verify
