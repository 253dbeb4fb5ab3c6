# SPDX-License-Identifier: GPL-2.0-only
# famfs_lite log compaction cut short: the host (tests/compact-crash.sh)
# boots this suite again and again on one NVDIMM backing file and kills
# QEMU at a random moment while the guest compacts the log in a loop.  A
# killed QEMU keeps every store in the shared backing file, so this checks
# the switch between log areas, not cache flushes.  Phases ($1):
#   make    a file system whose tree makes a long compaction (1200 files,
#           and two files of 10 extents: ALLOC and EXTEND entries)
#   crash   check what the last boot left, then compact until killed
#   check   check what the last boot left
. /tests/lib.sh

PHASE=$1
M=/mnt/famfs
MB=1048576
NFILES=1200

case_attach() {
	famfs_lite_on_nvdimm $M
}

case_make() {
	mkfs.famfs_lite -f -l 2M /dev/dax0
	mount -t famfs_lite /dev/dax0 $M
	mkdir $M/keep
	[ "$(daxtest mkfiles $M/keep $NFILES)" = created=$NFILES ]
	fallocate -l $((4 * MB)) $M/data
	daxtest write $M/data 0 $((4 * MB)) 141
	chmod 0600 $M/data
	# two files grown in turns, a unit at a time: 10 extents each, so
	# each compaction writes an ALLOC and an EXTEND for them
	for r in $(seq 0 9); do
		daxtest write $M/g $((r * 2 * MB)) $((2 * MB)) 151
		daxtest write $M/h $((r * 2 * MB)) $((2 * MB)) 152
	done
	filefrag $M/g | grep -q ': 10 extents found'
	umount $M
}

# The tree is whole, whichever log the last boot left.
case_check() {
	fsck.famfs_lite /dev/dax0 | tee /tmp/fsck.out
	grep -q "clean: $((NFILES + 3)) files, 1 directories, 44 of [0-9]* MiB used" /tmp/fsck.out
	echo "GENERATION: $(famfsl_poke /dev/dax0 get gen)"
	mount -t famfs_lite /dev/dax0 $M
	[ "$(ls $M/keep | wc -l)" = $NFILES ]
	[ -e $M/keep/f0 ] && [ -e $M/keep/f$((NFILES - 1)) ]
	daxtest read-verify $M/data 0 $((4 * MB)) 141
	[ "$(stat -c %a $M/data)" = 600 ]
	daxtest read-verify $M/g 0 $((20 * MB)) 151
	daxtest read-verify $M/h 0 $((20 * MB)) 152
	filefrag $M/g | grep -q ': 10 extents found'
	umount $M
}

# Never returns: the host kills the guest.  The marker goes to the console
# (fd 3) at once: a case's own output is only printed when it ends.
case_compact_until_killed() {
	mount -t famfs_lite /dev/dax0 $M
	echo "COMPACT-LOOP: started" >&3
	while :; do
		mount -o remount,compact $M
	done
}

exec 3>&1
run_case attach case_attach
case $PHASE in
make)
	run_case make case_make
	run_case check case_check
	;;
crash)
	run_case check case_check
	run_case compact-until-killed case_compact_until_killed
	;;
check)
	run_case check case_check
	;;
esac
