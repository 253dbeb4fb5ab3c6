# SPDX-License-Identifier: GPL-2.0-only
# famfs_lite on an NVDIMM whose guest is killed (SIGKILL to QEMU) in the
# middle of a metadata-heavy workload; tests/power-cut.sh drives it.
# $1, the phase:
#   mkfs      make the file system and power off cleanly
#   check     the same checks, then a clean power-off (the last boot)
#   cycle-K   check what the last killed boot left (fsck clean before the
#             mount, every published file verifies, printing
#             "POWERCUT-PRESENT NAME" for each), then run the workload
#             until the host kills the guest.
# The workload publishes each file as the issue's rename-after-fsync
# pattern does: a temporary name, allocated, written and fsynced, then
# renamed to f-SEED, and prints "POWERCUT-FSYNCED NAME" once the rename
# returned; "POWERCUT-DELETING NAME" / "POWERCUT-DELETED NAME" around an
# unlink, the first sent before the unlink starts.  The host checks that every file published and not deleted is
# present after the next boot.  A line lost in the console's buffers
# only weakens the check.  Every 13th round compacts the log (mount -o
# remount,compact), so some kills fall inside a compaction.
. /tests/lib.sh

PHASE=$1
M=/mnt/famfs
LEN=65536

attach() {
	famfs_lite_on_nvdimm $M
}

case_mkfs() {
	attach
	mkfs.famfs_lite /dev/dax0
	fsck.famfs_lite /dev/dax0
}

case_check_and_mount() {
	attach
	fsck.famfs_lite /dev/dax0
	mount -t famfs_lite /dev/dax0 $M
	fsck.famfs_lite /dev/dax0 | grep clean
}

# Every published file (f-SEED) holds what was written before its rename.
case_published_files_verify() {
	_n=0
	for _f in $(cd $M && find . -name 'f-*' | sed 's|^\./||' | sort); do
		[ "$(stat -c %s "$M/$_f")" = $LEN ] || die "$_f: size $(stat -c %s "$M/$_f")"
		daxtest read-verify "$M/$_f" 0 $LEN "${_f##*f-}" > /dev/null ||
			die "$_f does not verify"
		_n=$((_n + 1))
	done
	echo "$_n published files verify"
}

# Not a case: it runs until the host kills the guest, printing straight
# to the console.
workload() {
	_k=$1
	_i=0
	echo "POWERCUT-RUNNING"
	while :; do
		_i=$((_i + 1))
		_s=$((_k * 100000 + _i))
		_d=$M/d$((_s % 7))
		[ -d $_d ] || mkdir $_d
		truncate -s $LEN $_d/t-$_s
		daxtest write $_d/t-$_s 0 $LEN $_s > /dev/null
		chmod 0640 $_d/t-$_s
		mv $_d/t-$_s $_d/f-$_s
		echo "POWERCUT-FSYNCED d$((_s % 7))/f-$_s"
		# Keep about 60 published files: remove the oldest of a directory.
		if [ "$(find $M -name 'f-*' | wc -l)" -gt 60 ]; then
			_old=$(cd $M && find d$((_i % 7)) -name 'f-*' | sort | head -n 1)
			if [ -n "$_old" ]; then
				famfsl_crash say "POWERCUT-DELETING $_old"
				rm $M/$_old
				echo "POWERCUT-DELETED $_old"
			fi
		fi
		# Renames of directories, and of leftover temporary files.
		if [ $((_i % 11)) = 0 ]; then
			mkdir $M/x-$_s
			mv $M/x-$_s $M/y-$_s
			rmdir $M/y-$_s
			for _t in $(find $M -name 't-*'); do rm "$_t"; done
		fi
		# A compaction (format version 2): the kill may fall inside one.
		if [ $((_i % 13)) = 0 ]; then
			mount -o remount,compact $M
		fi
	done
}

case "$PHASE" in
mkfs)
	run_case mkfs case_mkfs
	;;
check)
	run_case check-and-mount case_check_and_mount
	run_case published-files-verify case_published_files_verify
	(cd $M && find . -name 'f-*' | sed 's|^\./||' | sort) | sed 's/^/POWERCUT-PRESENT /'
	umount $M
	;;
cycle-*)
	run_case check-and-mount case_check_and_mount
	run_case published-files-verify case_published_files_verify
	(cd $M && find . -name 'f-*' | sed 's|^\./||' | sort) | sed 's/^/POWERCUT-PRESENT /'
	grep -q " $M famfs_lite" /proc/mounts && workload "${PHASE#cycle-}"
	;;
*)
	run_case unknown-phase die "no phase '$PHASE'"
	;;
esac
