# SPDX-License-Identifier: GPL-2.0-only
# famfs_lite on an NVDIMM whose backing file outlives the guest, in
# phases (the host passes one as $1):
#   write / read      two boots one after the other: persistence
#   writer / reader   two guests at once on one backing file: sharing
. /tests/lib.sh

PHASE=$1
M=/mnt/famfs
MB=1048576

attach() {
	famfs_lite_on_nvdimm $M
}

# wait_for SECS CMD...: retry CMD once a second until it succeeds.
wait_for() {
	_n=$1
	shift
	while ! "$@" > /dev/null 2>&1; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || die "gave up waiting for: $*"
		sleep 1
	done
}

case_write() {
	attach
	mkfs.famfs_lite /dev/dax0
	mount -t famfs_lite /dev/dax0 $M
	mkdir $M/d
	fallocate -l $((32 * MB)) $M/d/written
	daxtest write $M/d/written 0 $((32 * MB)) 91
	truncate -s $((16 * MB)) $M/mapped
	daxtest mmap-fill $M/mapped 0 $((16 * MB)) 92
	truncate -s 4096 $M/note
	echo "written before a power-off" | dd of=$M/note conv=notrunc 2> /dev/null
	sync
	echo "left mounted; the guest powers off now"
}

case_read() {
	attach
	fsck.famfs_lite /dev/dax0 | grep 'clean: 3 files, 1 directories, 49 of 500 MiB used, .*, 12289 of 128000 blocks'
	mount -t famfs_lite -o ro /dev/dax0 $M
	daxtest read-verify $M/d/written 0 $((32 * MB)) 91
	daxtest mmap-verify $M/mapped 0 $((16 * MB)) 92
	[ "$(head -c 26 $M/note)" = "written before a power-off" ]
	umount $M
	daxlite-ctl detach dax0
}

case_writer() {
	attach
	mkfs.famfs_lite /dev/dax0
	mount -t famfs_lite /dev/dax0 $M
	mkdir $M/shared $M/tmp
	# Publish complete files only: write under a temporary name, then
	# rename, which is one log entry.
	truncate -s $((8 * MB)) $M/tmp/one
	daxtest write $M/tmp/one 0 $((8 * MB)) 101
	mv $M/tmp/one $M/shared/one
	sleep 5
	fallocate -l $((8 * MB)) $M/tmp/two
	daxtest write $M/tmp/two 0 $((8 * MB)) 102
	mv $M/tmp/two $M/shared/two
	touch $M/shared/done
	umount $M
	daxlite-ctl detach dax0
}

# The reader mounts read-only as soon as the writer's mkfs is complete,
# and sees each new file after a remount.
case_reader() {
	attach
	wait_for 120 mount -t famfs_lite -o ro /dev/dax0 $M
	wait_for 120 sh -c "mount -o remount,ro $M && [ -e $M/shared/one ]"
	daxtest read-verify $M/shared/one 0 $((8 * MB)) 101
	[ ! -e $M/shared/two ] && echo "saw one before two existed"
	wait_for 120 sh -c "mount -o remount,ro $M && [ -e $M/shared/done ]"
	daxtest read-verify $M/shared/two 0 $((8 * MB)) 102
	daxtest mmap-verify $M/shared/one 0 $((8 * MB)) 101
	expect_dmesg 'famfs_lite: dax0: remount applied log entries'
	# Keep reading, and remounting, after the writer is gone; the host
	# checks that the media did not change meanwhile.
	sleep 6
	mount -o remount,ro $M
	daxtest mmap-verify $M/shared/two 0 $((8 * MB)) 102
	umount $M
	daxlite-ctl detach dax0
}

case "$PHASE" in
write) run_case persist-write-then-power-off case_write ;;
read) run_case persist-read-after-reboot case_read ;;
writer) run_case share-writer case_writer ;;
reader) run_case share-reader-sees-new-files case_reader ;;
*) run_case unknown-phase die "no phase '$PHASE'" ;;
esac
