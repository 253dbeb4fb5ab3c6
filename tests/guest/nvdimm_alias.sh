# SPDX-License-Identifier: GPL-2.0-only
# Two hosts on one memory, in one guest: the guest has two NVDIMMs on the
# same backing file (run-guest.sh -A), so it sees the same memory at two
# physical addresses.  dax1 plays the writer host, with famfs_lite
# mounted read-write; dax0 plays a reader host, mounted read-only.  Both
# are label-less raw namespaces, attached with dax_chardev.
. /tests/lib.sh

MB=1048576
W=/mnt/writer
R=/mnt/reader

case_attach_both_views() {
	modprobe -a nfit nd_pmem $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/famfs_lite.ko
	wait_for_blockdev /dev/pmem1
	[ "$(daxlite-ctl attach namespace0.0)" = dax0 ]
	[ "$(daxlite-ctl attach namespace1.0)" = dax1 ]
	mkdir -p $W $R
	mkfs.famfs_lite /dev/dax1
	# One memory: what dax1 holds, dax0 shows.
	[ "$(head -c 8 /dev/dax0)" = FAMFSLT1 ] || die "the two NVDIMMs are not one memory"
}

# extent_of FILE: the device offset of the file's first extent, in bytes.
extent_of() {
	filefrag -v "$1" | awk '$1 == "0:" { print $4 }' | tr -d . |
		{ read -r _b; echo $((_b * 4096)); }
}

# A file the writer removes while the reader still has it open keeps its
# space on the reader, even once the reader becomes the writer: neither
# its allocations nor its background zeroing touch it.  (The writer's own
# background zeroing would: it is off while the writer removes the file.)
PREZERO=/sys/module/famfs_lite/parameters/prezero
case_removed_file_kept_by_reader() {
	mount -t famfs_lite /dev/dax1 $W
	fallocate -l $((4 * MB)) $W/f
	daxtest write $W/f 0 $((4 * MB)) 121
	mount -t famfs_lite -o ro /dev/dax0 $R
	exec 3< $R/f
	off_f=$(extent_of $R/f)
	echo N > $PREZERO
	rm $W/f
	umount $W
	echo Y > $PREZERO
	mount -o remount,ro $R
	[ ! -e $R/f ] || die "the reader still sees f"
	mount -o remount,rw $R
	# the zeroing starts a second after the remount; let it run
	sleep 3
	fallocate -l $((4 * MB)) $R/h
	daxtest write $R/h 0 $((4 * MB)) 122
	off_h=$(extent_of $R/h)
	echo "f at $off_f, h at $off_h"
	[ "$off_h" != "$off_f" ] || die "h got the space f still uses"
	daxtest read-verify /proc/self/fd/3 0 $((4 * MB)) 121
	exec 3<&-
	umount $R
	fsck.famfs_lite /dev/dax1 | grep 'clean: 1 files'
}

# The writer reuses a removed file's space at once; a reader that still
# has the file open must still replay that, and avoid that space later.
case_reused_space_replayed() {
	mount -t famfs_lite /dev/dax1 $W
	fallocate -l $((4 * MB)) $W/f
	daxtest write $W/f 0 $((4 * MB)) 123
	mount -t famfs_lite -o ro /dev/dax0 $R
	exec 3< $R/f
	rm $W/f
	fallocate -l $((4 * MB)) $W/g
	daxtest write $W/g 0 $((4 * MB)) 124
	umount $W
	mount -o remount,ro $R
	daxtest read-verify $R/g 0 $((4 * MB)) 124
	mount -o remount,rw $R
	fallocate -l $((4 * MB)) $R/k
	[ "$(extent_of $R/k)" != "$(extent_of $R/g)" ] || die "k got g's space"
	exec 3<&-
	umount $R
	fsck.famfs_lite /dev/dax1 | grep 'clean: 3 files'
}

# A host that was the writer, with free space zeroed ahead, becomes a
# reader; the other host writes a file over that space, removes it and
# compacts the log, so nothing in the log says the space was used.  When
# the first host writes again, a new file there must read as zeros, not
# as the other host's data: what was known zero is forgotten when a mount
# turns read-only.
case_zeroed_space_forgotten_when_read_only() {
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	echo Y > $PREZERO
	mount -t famfs_lite /dev/dax0 $R
	# its free space zeroed in the background (about 500 MiB)
	sleep 5
	mount -o remount,ro $R
	echo N > $PREZERO
	mount -t famfs_lite /dev/dax1 $W
	fallocate -l $((64 * MB)) $W/other
	daxtest write $W/other 0 $((64 * MB)) 131
	rm $W/other
	mount -o remount,compact $W
	umount $W
	mount -o remount,ro $R
	expect_dmesg 'famfs_lite: dax0: .*generation'
	mount -o remount,rw $R
	fallocate -l $((64 * MB)) $R/mine
	cmp $R/mine /dev/zero 2>&1 | grep -q EOF ||
		die "a new file shows the other host's data"
	umount $R
	echo Y > $PREZERO
	fsck.famfs_lite /dev/dax1 | grep 'clean: 1 files'
}

# A bind mount on the reader over a directory and a file that the writer
# removes, or replaces by a rename, is detached at the reader's next
# remount, as rmdir, unlink and rename on one host would have refused
# (EBUSY) or detached it; removed names are gone on the reader, replaced
# ones show the renamed file or directory.
case_bind_mounts_on_removed_names_detached() {
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	mkdir $W/d $W/rd $W/rd-new
	echo kept > $W/f
	echo old > $W/rf
	echo new > $W/rf-new
	mount -t famfs_lite -o ro /dev/dax0 $R
	mkdir -p /tmp/bind-dir
	echo other > /tmp/bind-file
	for n in d rd; do mount --bind /tmp/bind-dir $R/$n; done
	for n in f rf; do mount --bind /tmp/bind-file $R/$n; done
	[ "$(awk -v p="^$R/r?[df]\$" '$2 ~ p' /proc/mounts | wc -l)" = 4 ]
	[ "$(cat $R/f)" = other ] && [ "$(cat $R/rf)" = other ]
	rmdir $W/d
	rm $W/f
	mv -T $W/rd-new $W/rd
	mv -T $W/rf-new $W/rf
	umount $W
	mount -o remount,ro $R
	awk -v p="^$R/r?[df]\$" '$2 ~ p' /proc/mounts > /tmp/left
	[ ! -s /tmp/left ] || die "bind mounts on removed or replaced names stayed: $(cat /tmp/left)"
	[ ! -e $R/d ] && [ ! -e $R/f ]
	[ "$(cat $R/rf)" = new ] || die "the replaced name shows $(cat $R/rf)"
	[ -d $R/rd ] && [ ! -e $R/rd-new ] && [ ! -e $R/rf-new ]
	umount $R
	rm -r /tmp/bind-dir /tmp/bind-file /tmp/left
	fsck.famfs_lite /dev/dax1 | grep 'clean: 1 files, 1 directories'
}

# A reader whose device was made into a new file system meanwhile must
# not replay the new log onto the old tree.
case_remount_refuses_new_file_system() {
	mount -t famfs_lite -o ro /dev/dax0 $R
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	for i in $(seq 20); do touch $W/n$i; done
	umount $W
	dmesg_mark
	expect_fail_errno 'Stale file handle' mount -o remount,ro $R
	expect_dmesg 'famfs_lite: dax0: the device holds another file system than the one mounted'
	umount $R
	mount -t famfs_lite -o ro /dev/dax0 $R
	[ -e $R/n20 ]
	umount $R
}

# Files written with cp and published by rename, then grown by appends
# while the reader has them mapped, and trees written by tar -x and
# rsync -a: the reader sees each after a remount.
case_grown_files_replayed() {
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	dd if=/dev/urandom of=/tmp/g1 bs=1M count=3 2> /dev/null
	dd if=/dev/urandom of=/tmp/g2 bs=1M count=7 2> /dev/null
	dd if=/dev/urandom of=/tmp/s bs=1000 count=5 2> /dev/null
	cp /tmp/g1 $W/.g.tmp
	mv $W/.g.tmp $W/g
	cp /tmp/s $W/.s.tmp
	mv $W/.s.tmp $W/s
	mount -t famfs_lite -o ro /dev/dax0 $R
	cmp /tmp/g1 $R/g
	cmp /tmp/s $R/s
	daxtest mmap-probe $R/g 6 > /tmp/probe.out &
	probe=$!
	wait_for_line /tmp/probe.out mapped
	cat /tmp/g2 >> $W/g
	cat /tmp/g1 /tmp/g2 > /tmp/g12
	cat /tmp/s >> $W/s
	cat /tmp/s /tmp/s > /tmp/ss
	# a tree unpacked by tar
	mkdir -p /tmp/tree/d
	cp /tmp/g2 /tmp/s /tmp/tree/
	cp /tmp/g1 /tmp/tree/d/
	tar -C /tmp -cf /tmp/tree.tar tree
	tar -C $W -xf /tmp/tree.tar
	umount $W
	mount -o remount,ro $R
	expect_dmesg 'famfs_lite: dax0: remount applied log entries'
	cmp /tmp/g12 $R/g
	cmp /tmp/ss $R/s
	for f in g2 s d/g1; do cmp /tmp/tree/$f $R/tree/$f; done
	wait $probe
	cat /tmp/probe.out
	grep -q '^read' /tmp/probe.out || die "the reader's mapping broke at the replay"
	umount $R
	fsck.famfs_lite /dev/dax1 | grep 'clean: 5 files, 2 directories'
	rm -r /tmp/g1 /tmp/g2 /tmp/g12 /tmp/s /tmp/ss /tmp/tree /tmp/tree.tar
}

# A tree copied by rsync -a (temporary names, renamed into place), and
# again after a change (renamed over the old files): the reader sees each
# after a remount.
case_rsync_tree_replayed() {
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	mkdir -p /tmp/tree/d
	dd if=/dev/urandom of=/tmp/tree/a bs=1M count=3 2> /dev/null
	dd if=/dev/urandom of=/tmp/tree/d/b bs=1000 count=5 2> /dev/null
	rsync -a /tmp/tree/ $W/rtree/
	mount -t famfs_lite -o ro /dev/dax0 $R
	cmp /tmp/tree/a $R/rtree/a
	cmp /tmp/tree/d/b $R/rtree/d/b
	dd if=/dev/urandom of=/tmp/tree/a bs=1M count=5 2> /dev/null
	rsync -a /tmp/tree/ $W/rtree/
	umount $W
	mount -o remount,ro $R
	cmp /tmp/tree/a $R/rtree/a
	cmp /tmp/tree/d/b $R/rtree/d/b
	umount $R
	fsck.famfs_lite /dev/dax1 | grep 'clean: 2 files, 2 directories'
	rm -r /tmp/tree
}

# The writer compacts the log (a 2 MiB log: two areas of 4080 entries)
# again and again while the reader remounts throughout.  The reader sees
# the generation change and replays the new log from its start; a file it
# has open stays readable, whether it is still in the tree or was removed
# (the writer's background zeroing, which would zero b's space once it is
# removed, is off for this case).
case_reader_follows_compaction() {
	echo N > $PREZERO
	mkfs.famfs_lite -f -l 2M /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	mkdir $W/keep $W/churn
	fallocate -l $((4 * MB)) $W/keep/a
	daxtest write $W/keep/a 0 $((4 * MB)) 131
	fallocate -l $((4 * MB)) $W/keep/b
	daxtest write $W/keep/b 0 $((4 * MB)) 132
	chmod 640 $W/keep/a
	mount -t famfs_lite -o ro /dev/dax0 $R
	exec 3< $R/keep/a
	exec 4< $R/keep/b
	for r in $(seq 8); do
		[ "$(daxtest mkfiles $W/churn 1000)" = created=1000 ]
		[ $r = 4 ] && rm $W/keep/b
		mount -o remount,ro $R
		[ "$(ls $R/churn | wc -l)" = 1000 ] || die "round $r: the reader misses files"
		rm $W/churn/*
		mount -o remount,ro $R
		[ -z "$(ls $R/churn)" ] || die "round $r: the reader still sees removed files"
		daxtest read-verify $R/keep/a 0 $((4 * MB)) 131 > /dev/null
		[ "$(stat -c %a $R/keep/a)" = 640 ]
		# a second inode of a, detached by a later rebuild than fd 3's
		[ $r = 3 ] && exec 5< $R/keep/a
	done
	expect_dmesg 'famfs_lite: dax0: the log was compacted \(generation 0 to [12]\); replaying it from its start'
	[ "$(dmesg_new | grep -c 'famfs_lite: dax0: the log was compacted')" -ge 3 ] ||
		die "the reader saw fewer than 3 compactions"
	[ ! -e $R/keep/b ] || die "the reader still sees b"
	daxtest read-verify /proc/self/fd/3 0 $((4 * MB)) 131
	daxtest read-verify /proc/self/fd/4 0 $((4 * MB)) 132
	daxtest read-verify /proc/self/fd/5 0 $((4 * MB)) 131
	exec 3<&- 4<&- 5<&-
	umount $R
	umount $W
	gen=$(famfsl_poke /dev/dax1 get gen)
	echo "log generation $gen"
	[ "$gen" -ge 3 ] || die "compacted fewer than 3 times"
	fsck.famfs_lite /dev/dax1 | grep "clean: 1 files, 2 directories, 4 of [0-9]* MiB used, log [0-9]* of 4080 entries, generation $gen"
	mount -t famfs_lite -o ro /dev/dax0 $R
	daxtest read-verify $R/keep/a 0 $((4 * MB)) 131
	umount $R
	echo Y > $PREZERO
}

# A log_gen word that names an area the writer never wrote, or an area
# header from another generation, is refused with a clear reason.
case_corrupt_generation_refused() {
	mkfs.famfs_lite -f -l 2M /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	touch $W/x
	mount -o remount,compact $W
	umount $W
	[ "$(famfsl_poke /dev/dax1 get gen)" = 1 ]
	# gen 3 names area 1, which holds generation 1
	famfsl_poke /dev/dax1 gen 3
	dmesg_mark
	expect_fail_errno 'Structure needs cleaning' mount -t famfs_lite /dev/dax1 $W
	expect_dmesg 'famfs_lite: dax1: log area generation disagrees with the log_gen word \(log generation 3\)'
	_rc=0
	fsck.famfs_lite /dev/dax1 > /tmp/fsck.out || _rc=$?
	cat /tmp/fsck.out
	[ $_rc = 4 ] && grep -q 'log area generation disagrees' /tmp/fsck.out
	# gen 2 names area 0, which holds generation 0
	famfsl_poke /dev/dax1 gen 2
	dmesg_mark
	expect_fail_errno 'Structure needs cleaning' mount -t famfs_lite /dev/dax1 $W
	expect_dmesg 'famfs_lite: dax1: log area generation disagrees with the log_gen word \(log generation 2\)'
	famfsl_poke /dev/dax1 gen 1
	mount -t famfs_lite /dev/dax1 $W
	[ -e $W/x ]
	umount $W
	# a bad checksum of the active area's header
	famfsl_poke /dev/dax1 log next_ino 5 raw
	dmesg_mark
	expect_fail_errno 'Structure needs cleaning' mount -t famfs_lite /dev/dax1 $W
	expect_dmesg 'famfs_lite: dax1: log header checksum mismatch \(log generation 1\)'
}

# Two files grown in turns, a unit at a time, cannot merge their extents:
# each gets more than one ALLOC's 8, so a compaction writes their ALLOC
# and EXTEND entries (and b's size, which stops inside its last extent).
# The reader follows the compaction with identical data, and the log is
# clean for fsck, whose own --compact writes the same files again.
case_many_extents_survive_compaction() {
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	: > $W/a
	: > $W/b
	: > /tmp/a
	: > /tmp/b
	for r in $(seq 12); do
		dd if=/dev/urandom of=/tmp/chunk bs=1M count=2 2> /dev/null
		cat /tmp/chunk >> $W/a
		cat /tmp/chunk >> /tmp/a
		head -c $((2 * MB - 4096)) /tmp/chunk >> $W/b
		head -c $((2 * MB - 4096)) /tmp/chunk >> /tmp/b
	done
	filefrag $W/a $W/b
	n=$(filefrag $W/a | awk '{ print $2 }')
	nb=$(filefrag $W/b | awk '{ print $2 }')
	[ "$n" -gt 8 ] || die "a has only $n extents"
	[ "$nb" -gt 8 ] || die "b has only $nb extents"
	mount -t famfs_lite -o ro /dev/dax0 $R
	cmp /tmp/a $R/a
	cmp /tmp/b $R/b
	dmesg_mark
	mount -o remount,compact $W
	expect_dmesg 'famfs_lite: dax1: log compacted to generation 1'
	mount -o remount,ro $R
	expect_dmesg 'famfs_lite: dax0: the log was compacted \(generation 0 to 1\)'
	cmp /tmp/a $R/a
	cmp /tmp/b $R/b
	[ "$(filefrag $R/a | awk '{ print $2 }')" = "$n" ]
	[ "$(stat -c %s $R/b)" = $((12 * (2 * MB - 4096))) ]
	umount $R
	umount $W
	famfsl_poke /dev/dax1 get gen | grep -qx 1
	fsck.famfs_lite -v /dev/dax1 | tee /tmp/fsck.out | grep -c '^  extend inode' |
		grep -qx "$(( (n - 1) / 8 + (nb - 1) / 8 ))" ||
		die "the compacted log lacks EXTENDs"
	grep 'clean: 2 files, 0 directories' /tmp/fsck.out
	fsck.famfs_lite --compact /dev/dax1
	fsck.famfs_lite /dev/dax1 | grep 'clean: 2 files, 0 directories'
	mount -t famfs_lite -o ro /dev/dax0 $R
	cmp /tmp/a $R/a
	cmp /tmp/b $R/b
	umount $R
	rm /tmp/a /tmp/b /tmp/chunk
}

# sigbus CMD...: CMD is killed by SIGBUS (exit status 128 + 7).
sigbus() {
	_rc=0
	"$@" 2> /dev/null || _rc=$?
	[ "$_rc" = 135 ] || die "expected SIGBUS (status 135), got $_rc: $*"
}

# The reader has a file mapped when the writer compacts the log: the
# reader's rebuild gives the file's extents to a new inode while the old
# one, out of the tree, still maps them.  fs/dax.c ties each page to one
# file's mapping, so the new inode maps none of that space (SIGBUS) while
# the old one maps it, though read(2) works; the old mapping reads on, but
# the old inode maps nothing more (the space is no longer its own).  Before,
# the new inode's fault took the pages over: a warning in fs/dax.c on 6.1,
# the 2 MiB page remade under the old mapping on 7.x.
case_mapped_file_across_rebuild() {
	echo N > $PREZERO
	mkfs.famfs_lite -f -l 2M /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $W
	fallocate -l $((4 * MB)) $W/f
	daxtest write $W/f 0 $((4 * MB)) 141
	mount -t famfs_lite -o ro /dev/dax0 $R
	daxtest mmap-probe $R/f 20 > /tmp/probe.out &
	probe=$!
	wait_for_line /tmp/probe.out mapped
	exec 3< $R/f
	dmesg_mark
	mount -o remount,compact $W
	mount -o remount,ro $R
	expect_dmesg 'famfs_lite: dax0: the log was compacted'
	kill -0 $probe 2> /dev/null || die "the old mapping was gone before the rebuild"
	daxtest read-verify $R/f 0 $((4 * MB)) 141
	sigbus daxtest mmap-verify $R/f 0 $((2 * MB)) 141
	expect_dmesg 'a removed file still maps the space at offset 0; not mapped until it lets go'
	sigbus daxtest mmap-verify /proc/self/fd/3 $((2 * MB)) $((2 * MB)) 141
	expect_dmesg 'removed by another host; what it has not mapped yet is not mapped'
	wait $probe
	cat /tmp/probe.out
	grep -q '^read' /tmp/probe.out || die "the old mapping broke"
	# Unmapped, though still open, the old inode lets the pages go (the
	# quarantine work drops its DAX entries within a second or so).
	for _i in $(seq 50); do
		daxtest mmap-verify $R/f 0 $((4 * MB)) 141 2> /dev/null && break
		sleep 0.2
	done
	daxtest mmap-verify $R/f 0 $((4 * MB)) 141
	[ "$(daxtest io /proc/self/fd/3 read 0 4096)" = ret=4096 ]
	exec 3<&-
	umount $R
	umount $W
	echo Y > $PREZERO
}

# A file removed on a host while a process there has it open: the host
# cannot turn read-only until it is closed and let go (the VFS refuses,
# EBUSY), so another host's writer never takes space this one still uses
# as a writer.
case_removed_file_blocks_read_only() {
	echo N > $PREZERO
	mkfs.famfs_lite -f /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax0 $R
	fallocate -l $((4 * MB)) $R/f
	exec 3< $R/f
	rm $R/f
	expect_fail_errno 'Device or resource busy' mount -o remount,ro $R
	touch $R/still-writable
	exec 3<&-
	# The quarantine lets the file go within a second or so.
	for _i in $(seq 50); do
		mount -o remount,ro $R 2> /dev/null && break
		sleep 0.2
	done
	grep -q " $R famfs_lite ro," /proc/mounts || die "still read-write"
	umount $R
	fsck.famfs_lite /dev/dax1 | grep 'clean: 1 files'
	echo Y > $PREZERO
}

case_detach() {
	echo dax0 > /sys/class/dax_chardev/detach
	echo dax1 > /sys/class/dax_chardev/detach
	rmmod famfs_lite dax_chardev dax_core
}

run_case attach-both-views case_attach_both_views
run_case removed-file-kept-by-reader case_removed_file_kept_by_reader
run_case reused-space-replayed case_reused_space_replayed
run_case remount-refuses-new-file-system case_remount_refuses_new_file_system
run_case zeroed-space-forgotten-when-read-only case_zeroed_space_forgotten_when_read_only
run_case bind-mounts-on-removed-names-detached case_bind_mounts_on_removed_names_detached
run_case grown-files-replayed case_grown_files_replayed
run_rsync_case rsync-tree-replayed case_rsync_tree_replayed
run_case reader-follows-compaction case_reader_follows_compaction
run_case corrupt-generation-refused case_corrupt_generation_refused
run_case many-extents-survive-compaction case_many_extents_survive_compaction
run_case mapped-file-across-rebuild case_mapped_file_across_rebuild
run_case removed-file-blocks-read-only case_removed_file_blocks_read_only
run_case detach case_detach
