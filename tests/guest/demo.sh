# SPDX-License-Identifier: GPL-2.0-only
# The user path of `make demo`, shown command by command.  It runs as one
# case, so any failing step fails the demo.  The guest boots with
# memmap=1G$0x80000000.
. /tests/lib.sh

show() {
	echo "\$ $*"
	"$@"
}

demo() {
	echo "# Memory reserved at boot: $(grep -o 'memmap=[^ ]*' /proc/cmdline)"
	show grep -i reserved /proc/iomem
	echo
	echo "# Load the shared layer, then serve two 512 MiB ranges as disks."
	show modprobe libnvdimm
	show insmod $MODDIR/dax_core.ko
	show insmod $MODDIR/dax_blk.ko ranges=512M@0x80000000,512M@0xa0000000
	show lsblk -o NAME,SIZE,LOG-SEC,DAX /dev/daxblk0 /dev/daxblk1
	dmesg | grep -E 'dax_(core|blk):' | tail -n 2
	echo
	echo "# A bad range is refused with a reason."
	show rmmod dax_blk
	show insmod $MODDIR/dax_blk.ko ranges=512M@0x80100000 || true
	dmesg | grep -E 'dax_(core|blk):' | tail -n 1
	show insmod $MODDIR/dax_blk.ko ranges=512M@0x80000000,512M@0xa0000000
	echo
	echo "# ext4 with DAX: file data lives in the reserved memory itself."
	show mkfs.ext4 -q -F -b 4096 /dev/daxblk0
	mkdir -p /mnt/ext4 /mnt/xfs
	show mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	show grep daxblk /proc/mounts
	show daxtest mmap-fill /mnt/ext4/data 0 33554432 7
	show daxtest statx-dax /mnt/ext4/data
	echo
	echo "# xfs with DAX on the second disk."
	show mkfs.xfs -q -f -m reflink=0 /dev/daxblk1
	show mount -t xfs -o dax /dev/daxblk1 /mnt/xfs
	show cp /mnt/ext4/data /mnt/xfs/copy
	show md5sum /mnt/ext4/data /mnt/xfs/copy
	echo
	echo "# The module cannot be unloaded under a mounted filesystem."
	show rmmod dax_blk || true
	echo
	echo "# Unmount, unload, load again: the data is still there."
	show umount /mnt/ext4 /mnt/xfs
	show rmmod dax_blk dax_core
	show insmod $MODDIR/dax_core.ko
	show insmod $MODDIR/dax_blk.ko ranges=512M@0x80000000,512M@0xa0000000
	show mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	show mount -t xfs -o dax /dev/daxblk1 /mnt/xfs
	show daxtest read-verify /mnt/ext4/data 0 33554432 7
	show md5sum /mnt/xfs/copy
	show umount /mnt/ext4 /mnt/xfs
	show rmmod dax_blk
	echo
	echo "# famfs_lite: the same memory as a character device with a DAX file system."
	show modprobe libcrc32c
	show insmod $MODDIR/dax_chardev.ko ranges=512M@0x80000000
	show insmod $MODDIR/famfs_lite.ko
	show ls -l /dev/dax0
	show cat /sys/class/dax_chardev/dax0/size /sys/class/dax_chardev/dax0/backing
	show mkfs.famfs_lite -f /dev/dax0
	mkdir -p /mnt/famfs
	show mount -t famfs_lite /dev/dax0 /mnt/famfs
	show mkdir -p /mnt/famfs/datasets/2026
	echo "# Files are allocated once, in 2 MiB-aligned extents, by fallocate or truncate."
	show fallocate -l 64M /mnt/famfs/datasets/2026/table.bin
	show daxtest write /mnt/famfs/datasets/2026/table.bin 0 67108864 9
	show truncate -s 4096 /mnt/famfs/datasets/notes
	show sh -c 'echo "shared memory, no page cache" | dd of=/mnt/famfs/datasets/notes conv=notrunc 2>/dev/null'
	show filefrag -v /mnt/famfs/datasets/2026/table.bin
	show daxtest fault-count /mnt/famfs/datasets/2026/table.bin 0 67108864
	show df -h /mnt/famfs
	show umount /mnt/famfs
	show fsck.famfs_lite /dev/dax0
	echo
	echo "# Mount again: the kernel replays the log kept in the memory itself."
	show mount -t famfs_lite -o ro /dev/dax0 /mnt/famfs
	show ls -lR /mnt/famfs
	show head -c 29 /mnt/famfs/datasets/notes
	show daxtest mmap-verify /mnt/famfs/datasets/2026/table.bin 0 67108864 9
	show umount /mnt/famfs
	show rmmod famfs_lite dax_chardev dax_core
}

run_case demo demo
