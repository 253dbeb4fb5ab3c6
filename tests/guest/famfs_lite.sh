# SPDX-License-Identifier: GPL-2.0-only
# famfs_lite in the stock kernel, on dax_chardev devices.  The guest boots
# with memmap=1G$0x80000000: dax0 is 512 MiB for the main file system,
# dax1 64 MiB for corrupted, read-only and full ones.
. /tests/lib.sh

MB=1048576
M=/mnt/famfs
C=/mnt/small

case_load() {
	modprobe -a libnvdimm $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko ranges=512M@0x80000000,64M@0xa0000000
	insmod $MODDIR/famfs_lite.ko
	grep -w famfs_lite /proc/filesystems
	mkdir -p $M $C /mnt/other
}

# exits DESC RC CMD...: CMD exits with status RC.
exits() {
	_want=$1
	shift
	_rc=0
	"$@" || _rc=$?
	[ "$_rc" = "$_want" ] || die "expected exit $_want, got $_rc: $*"
}

case_mkfs() {
	mkfs.famfs_lite --help | grep -q 'usage: mkfs.famfs_lite'
	fsck.famfs_lite --help | grep -q 'usage: fsck.famfs_lite'
	exits 1 mkfs.famfs_lite -l 64M /dev/dax1
	exits 2 mkfs.famfs_lite -l 3M /dev/dax1
	mkfs.famfs_lite /dev/dax0
	exits 1 mkfs.famfs_lite /dev/dax0
	mkfs.famfs_lite -f /dev/dax0
	fsck.famfs_lite /dev/dax0 | grep 'clean: 0 files, 0 directories'
}

case_mount_and_fill() {
	mount -t famfs_lite /dev/dax0 $M
	grep "^/dev/dax0 $M famfs_lite rw" /proc/mounts
	expect_dmesg 'famfs_lite: dax0: mounted: 0 of 16368 log entries used, 502 of 502 MiB free'
	mkdir -p $M/a/b $M/c
	truncate -s $((8 * MB)) $M/a/data
	daxtest write $M/a/data 0 $((8 * MB)) 51
	fallocate -l $((16 * MB)) $M/a/b/mapped
	daxtest mmap-fill $M/a/b/mapped 0 $((16 * MB)) 52
	truncate -s 100 $M/c/small
	printf 'hello famfs_lite\n' | dd of=$M/c/small conv=notrunc 2> /dev/null
	daxtest statx-dax $M/a/data
	daxtest statx-dax $M/a/b/mapped
	# 8 + 16 MiB in 2 MiB units, and one 4 KiB block for the small
	# file (format version 3), of 502 MiB.
	df -k $M | grep " 514048 *24580 *489468 "
}

case_namespace_ops() {
	truncate -s $MB $M/c/x
	truncate -s $MB $M/c/y
	mv $M/c/x $M/c/y
	[ ! -e $M/c/x ] && [ "$(stat -c %s $M/c/y)" = $MB ]
	mv $M/a/data $M/data
	mv $M/c $M/a/c
	mkdir $M/gone
	rmdir $M/gone
	expect_fail_errno 'not empty' rmdir $M/a
	truncate -s $MB $M/doomed
	rm $M/doomed
	chmod 0640 $M/data
	chown 1000:2000 $M/data
	touch -d '2020-01-02 03:04:05' $M/data
	[ "$(stat -c '%a %u %g %Y' $M/data)" = "640 1000 2000 1577934245" ]
	chmod 0700 $M/a/b
	long=$(printf '%0193d' 0)
	expect_fail_errno 'too long' touch $M/$long
	touch $M/$(printf '%0192d' 0)
	expect_fail_errno 'not permitted' ln $M/data $M/hardlink
	expect_fail_errno 'not permitted' ln -s data $M/symlink
	find $M | sort
}

case_space_semantics() {
	f=$M/data
	[ "$(daxtest io $f read $((8 * MB - 100)) 4096)" = ret=100 ]
	# (version 2: writes past the end grow a file; see the grow-* cases)
	touch $M/empty
	expect_fail_errno 'Invalid argument' truncate -s $((4 * MB)) $f
	truncate -s $((8 * MB)) $f
	fallocate -l $((4 * MB)) $f
	expect_dmesg 'famfs_lite: dax0: inode [0-9]+: files never shrink; refusing'
	# O_TRUNC would change the size too.
	if echo x > $f; then die "O_TRUNC write succeeded"; fi
	daxtest read-verify $f 0 $((8 * MB - 100)) 51
	expect_no_dmesg 'no extent at offset'
}

case_fiemap() {
	filefrag -v $M/data
	ext=$(filefrag -v $M/data | awk '$1 == "0:" { print $4, $6 }' | tr -d .:)
	phys=${ext% *}
	len=${ext#* }
	[ "$len" = 2048 ] || die "extent length $len blocks, expected 2048"
	[ $((phys % 512)) = 0 ] || die "extent at block $phys is not 2 MiB aligned"
	filefrag -v $M/data | grep -q 'last'
}

case_pmd_faults() {
	fallocate -l $((64 * MB)) $M/big
	out=$(daxtest fault-count $M/big 0 $((64 * MB)))
	echo "$out"
	n=${out##*faults=}
	n=${n%% *}
	[ "$n" -ge 32 ] && [ "$n" -le 40 ] || die "$n faults for 64 MiB, expected about 32"
	out=$(daxtest fault-count $M/big 0 $((64 * MB)) nohuge)
	echo "$out"
	n=${out##*faults=}
	[ "${n%% *}" -ge 16384 ] || die "PTE-only mapping took only ${n%% *} faults"
}

case_fsync_msync_map_sync() {
	fallocate -l $((4 * MB)) $M/synced
	daxtest write $M/synced 0 $((4 * MB)) 53
	daxtest mmap-fill $M/synced $MB $MB 54
	[ "$(daxtest mmap-errno $M/synced 0 4096 sync)" = ok ]
	sync
	daxtest read-verify $M/synced $MB $MB 54
	# The last change to data's attributes was in space-semantics.
	stat -c '%a %u %g %Y %s' $M/data | tee /tmp/data.stat | grep "^640 1000 2000 "
}

# used_kib MOUNT: the KiB df counts as used.
used_kib() {
	df -k "$1" | awk 'NR == 2 { print $3 }'
}

# A page of a removed file, still held by a pipe, must not become another
# file's: the pipe shows the removed file's bytes, never the new owner's.
case_pinned_page_not_reused() {
	mkdir $M/pin
	used=$(used_kib $M)
	daxtest pin-reuse $M/pin
	rm $M/pin/b
	# Removed while open, and only then mapped and pinned: the last close
	# must not wait for the pipe its own process holds.
	daxtest pin-reuse-unlinked $M/pin
	expect_no_dmesg 'WARNING'
	rm $M/pin/b
	rmdir $M/pin
	# Both files' space comes back once nothing holds their pages.
	for _i in $(seq 50); do
		[ "$(used_kib $M)" = "$used" ] && break
		sleep 0.1
	done
	[ "$(used_kib $M)" = "$used" ] || die "space not freed: $(used_kib $M) KiB used, expected $used"
}

case_sendfile() {
	[ "$(daxtest sendfile $M/data /tmp/sent 8192)" = ret=8192 ]
	daxtest read-verify /tmp/sent 0 8192 51
	fallocate -l $MB $M/sendto
	[ "$(daxtest sendfile /tmp/sent $M/sendto 8192)" = ret=8192 ]
	daxtest read-verify $M/sendto 0 8192 51
	rm $M/sendto
}

# What the tree must hold after every remount.
verify_tree() {
	daxtest read-verify $M/data 0 $((8 * MB - 100)) 51
	daxtest mmap-verify $M/a/b/mapped 0 $((16 * MB)) 52
	daxtest read-verify $M/synced $MB $MB 54
	[ "$(head -c 16 $M/a/c/small)" = 'hello famfs_lite' ]
	[ "$(stat -c '%a %u %g %Y %s' $M/data)" = "$(cat /tmp/data.stat)" ]
	[ "$(stat -c %a $M/a/b)" = 700 ]
	[ "$(stat -c %s $M/a/c/y)" = $MB ]
	[ ! -e $M/a/c/x ] && [ ! -e $M/doomed ] && [ ! -e $M/gone ] && [ ! -e $M/c ]
	[ -e $M/$(printf '%0192d' 0) ] && [ -e $M/empty ]
}

case_persist_across_umount() {
	umount $M
	fsck.famfs_lite /dev/dax0 > /tmp/fsck.out 2>&1 || echo "fsck exit $?"
	cat /tmp/fsck.out
	grep 'clean: 8 files, 3 directories, 94 of 502 MiB used, .*, 23809 of 128512 blocks' /tmp/fsck.out
	mount -t famfs_lite /dev/dax0 $M
	verify_tree
}

case_persist_across_reload() {
	umount $M
	rmmod famfs_lite dax_chardev
	insmod $MODDIR/dax_chardev.ko ranges=512M@0x80000000,64M@0xa0000000
	insmod $MODDIR/famfs_lite.ko
	mount -t famfs_lite /dev/dax0 $M
	verify_tree
}

case_double_mount_refused() {
	expect_fail_errno 'Device or resource busy' \
		mount -t famfs_lite /dev/dax0 /mnt/other
	expect_dmesg 'dax_core: dax0: held by famfs_lite, refusing famfs_lite'
	! grep -q ' /mnt/other ' /proc/mounts
}

case_busy_while_mounted() {
	[ "$(daxtest io /dev/dax0 write 0 4096)" = err=EBUSY ]
	[ "$(daxtest mmap-errno /dev/dax0 0 4096 shared)" = EBUSY ]
	exits 1 mkfs.famfs_lite -f /dev/dax0
	expect_fail_errno 'in use' rmmod famfs_lite
	expect_fail_errno 'in use' rmmod dax_chardev
	verify_tree
}

case_mount_refused_while_raw_mapped() {
	umount $M
	daxtest mmap-hold /dev/dax0 3 > /tmp/hold.out &
	wait_for_line /tmp/hold.out mapped
	expect_fail_errno 'Device or resource busy' mount -t famfs_lite /dev/dax0 $M
	expect_dmesg 'dax0: mapped or being written through the device, refusing famfs_lite'
	wait
	mount -t famfs_lite /dev/dax0 $M
	verify_tree
}

# A small file system on dax1 with a directory and two allocated files.
make_small() {
	mkfs.famfs_lite -f -l 2M /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $C
	mkdir $C/d
	truncate -s $((2 * MB)) $C/d/f
	truncate -s $((2 * MB)) $C/g
	daxtest write $C/g 0 $((2 * MB)) 61
	umount $C
}

case_read_only_leaves_media_unchanged() {
	make_small
	before=$(md5sum < /dev/dax1)
	mount -t famfs_lite -o ro /dev/dax1 $C
	grep "^/dev/dax1 $C famfs_lite ro" /proc/mounts
	ls -lR $C
	daxtest read-verify $C/g 0 $((2 * MB)) 61
	daxtest mmap-verify $C/g 0 $((2 * MB)) 61
	expect_fail_errno 'Read-only' touch $C/new
	expect_fail_errno 'Read-only' mkdir $C/newdir
	expect_fail_errno 'Read-only' chmod 600 $C/g
	[ "$(daxtest io $C/g write 0 10)" = err=EROFS ]
	mount -o remount,ro $C
	umount $C
	[ "$(md5sum < /dev/dax1)" = "$before" ] || die "a read-only mount changed the media"
}

# nth_entry TYPE N: the index of the Nth entry of TYPE on dax1.
nth_entry() {
	log_entry /dev/dax1 "$1" "$2"
}

save_small() {
	make_small
	dd if=/dev/dax1 of=/tmp/small.img bs=$MB count=4 2> /dev/null
}

# bad_image ERRNO-TEXT REASON POKE-ARGS...: after the poke, mount fails
# with ERRNO-TEXT and the kernel names REASON; fsck finds it too.
bad_image() {
	_err=$1
	_why=$2
	shift 2
	bad_image_pokes "$_err" "$_why" "$*"
}

# bad_image_pokes ERRNO-TEXT REASON "POKE-ARGS" ...: bad_image with
# several pokes, applied in order to a fresh copy of the small image.
bad_image_pokes() {
	_err=$1
	_why=$2
	shift 2
	dd if=/tmp/small.img of=/dev/dax1 bs=$MB conv=notrunc 2> /dev/null
	for _poke in "$@"; do
		famfsl_poke /dev/dax1 $_poke
	done
	dmesg_mark
	expect_fail_errno "$_err" mount -t famfs_lite /dev/dax1 $C
	expect_dmesg "famfs_lite: dax1: .*$_why"
	! grep -q " $C " /proc/mounts || die "mounted anyway"
	_rc=0
	fsck.famfs_lite /dev/dax1 > /tmp/fsck.out || _rc=$?
	cat /tmp/fsck.out
	[ $_rc = 4 ] || [ $_rc = 8 ] || die "fsck exit $_rc on a corrupt image"
	grep -q "$_why" /tmp/fsck.out || die "fsck did not say: $_why"
}

EUCLEAN='Structure needs cleaning'
EINVAL='Invalid argument'

case_corrupt_superblock() {
	save_small
	bad_image "$EINVAL" 'bad magic' sb magic 0x1234
	bad_image "$EUCLEAN" 'superblock checksum mismatch' sb crc 1
	bad_image "$EUCLEAN" 'superblock checksum mismatch' sb dev_size 0 raw
	bad_image "$EINVAL" 'unsupported format version' sb version 4
	bad_image "$EINVAL" 'unknown superblock flags' sb flags 1
	# version 3 (what mkfs makes) has 4 KiB blocks, versions 1 and 2 2 MiB
	bad_image "$EUCLEAN" 'allocation unit does not match' sb alloc_unit $((2 * MB))
	bad_image "$EUCLEAN" 'allocation unit does not match' sb version 2
	bad_image "$EUCLEAN" 'entry size' sb entry_size 128
	bad_image "$EUCLEAN" 'log offset' sb log_offset 0
	bad_image "$EUCLEAN" 'log length' sb log_len $((3 * MB))
	bad_image "$EUCLEAN" 'data offset' sb data_offset $((6 * MB))
	bad_image "$EUCLEAN" 'file system size' sb dev_size $((64 * MB - 4096))
	bad_image "$EINVAL" 'device is smaller than the superblock says' \
		sb dev_size $((128 * MB))
	bad_image "$EUCLEAN" 'reserved superblock bytes' sb reserved 7
}

case_corrupt_log_header() {
	bad_image "$EUCLEAN" 'log header has a bad magic' log magic 5
	bad_image "$EUCLEAN" 'log header checksum mismatch' log crc 5
	bad_image "$EUCLEAN" 'geometry disagrees' log capacity 100
	bad_image "$EUCLEAN" 'geometry disagrees' log entry_size 512
	bad_image "$EUCLEAN" 'counts more entries than the log holds' \
		log next_index 4081
	bad_image "$EUCLEAN" 'reserved log header bytes' log reserved 1
	# A header that says more entries exist than were written.
	bad_image "$EUCLEAN" 'log entry 7: checksum mismatch' log next_index 9
}

case_corrupt_entries() {
	f=$(nth_entry 1 2)
	a=$(nth_entry 2 1)
	bad_image "$EUCLEAN" "log entry $f: checksum mismatch" entry $f crc 1
	bad_image "$EUCLEAN" "log entry $f: checksum mismatch" entry $f create.ino 9 raw
	bad_image "$EUCLEAN" "log entry $f: sequence number" entry $f seq 99
	bad_image "$EUCLEAN" "log entry $f: unknown entry type" entry $f type 99
	bad_image "$EUCLEAN" "log entry $f: invalid name" entry $f create.name '/'
	bad_image "$EUCLEAN" "log entry $f: invalid name" entry $f create.name_len 0
	bad_image "$EUCLEAN" "log entry $f: invalid name" entry $f create.name_len 5
	bad_image "$EUCLEAN" "log entry $f: invalid name" entry $f create.name '.'
	bad_image "$EUCLEAN" "log entry $f: create of neither" entry $f create.mode 0120777
	bad_image "$EUCLEAN" "log entry $f: create of a reserved" entry $f create.ino 1
	bad_image "$EUCLEAN" "log entry $f: invalid owner" entry $f create.uid 0xffffffff
	bad_image "$EUCLEAN" "log entry $f: invalid owner" entry $f create.gid 0xffffffff
	bad_image "$EUCLEAN" "log entry $a: extent lies outside" \
		entry $a alloc.ext[0].dev_offset $((64 * MB))
	bad_image "$EUCLEAN" "log entry $a: extent lies outside" \
		entry $a alloc.ext[0].dev_offset $((2 * MB))
	bad_image "$EUCLEAN" "log entry $a: extent is not in whole 4 KiB blocks" \
		entry $a alloc.ext[0].len 4097
	bad_image "$EUCLEAN" "log entry $a: bad extent count" entry $a alloc.nr_extents 0
	bad_image "$EUCLEAN" "log entry $a: file size exceeds" entry $a alloc.size $((3 * MB))
}

case_log_tree_mismatches() {
	d=$(nth_entry 1 1)
	f=$(nth_entry 1 2)
	g=$(nth_entry 1 3)
	a1=$(nth_entry 2 1)
	a2=$(nth_entry 2 2)
	off1=$(famfsl_poke /dev/dax1 get entry $a1 alloc.ext[0].dev_offset)
	ino_f=$(famfsl_poke /dev/dax1 get entry $a1 alloc.ino)
	ino_d=$(famfsl_poke /dev/dax1 get entry $d create.ino)
	bad_image "$EUCLEAN" "log entry $f: create in a directory that does not exist" \
		entry $f create.parent 99
	bad_image "$EUCLEAN" "log entry $g: create of an inode number in use" \
		entry $g create.ino $ino_f
	bad_image "$EUCLEAN" "log entry $g: create in a directory that does not exist" \
		entry $g create.parent $ino_f
	bad_image "$EUCLEAN" "log entry $a2: extent overlaps another file" \
		entry $a2 alloc.ext[0].dev_offset $off1
	bad_image "$EUCLEAN" "log entry $a2: second allocation for a file" \
		entry $a2 alloc.ino $ino_f
	bad_image "$EUCLEAN" "log entry $a1: allocation for a directory" \
		entry $a1 alloc.ino $ino_d
	bad_image "$EUCLEAN" "log entry $a1: allocation for an inode that does not exist" \
		entry $a1 alloc.ino 77
	# Turn the create of g into a rename of f to the free name g that
	# says it replaced an inode that never existed.
	bad_image_pokes "$EUCLEAN" "log entry $g: rename target does not match the replaced inode" \
		"entry $g type 5" "entry $g rename.ino $ino_f" \
		"entry $g create.parent $ino_d" "entry $g rename.new_parent 1" \
		"entry $g rename.replaced 77" "entry $g rename.name_len 1"
	# Turn the create of g into an unlink of an inode that never existed.
	bad_image_pokes "$EUCLEAN" "log entry $g: unlink of an inode that does not exist" \
		"entry $g type 4" "entry $g unlink.ino 77" "entry $g unlink.parent 1"
	# Turn the create of g into an unlink of d, which is not empty.
	bad_image_pokes "$EUCLEAN" "log entry $g: removal of a directory that is not empty" \
		"entry $g type 4" "entry $g unlink.ino $ino_d" "entry $g unlink.parent 1"
}

# A version 1 image (one log area, made before compaction) mounts
# read-only and says why; fsck checks it.
case_version_1_read_only() {
	make_small
	famfsl_poke /dev/dax1 sb version 1
	famfsl_poke /dev/dax1 sb alloc_unit $((2 * MB))
	famfsl_poke /dev/dax1 log capacity 8176
	famfsl_poke /dev/dax1 log next_ino 0
	fsck.famfs_lite /dev/dax1 | tee /tmp/fsck.out
	grep -q 'note: format version 1, which the kernel mounts read-only' /tmp/fsck.out
	grep -q 'clean: 2 files, 1 directories, 4 of 60 MiB used, log 7 of 8176 entries$' /tmp/fsck.out
	mount -t famfs_lite /dev/dax1 $C
	expect_dmesg 'famfs_lite: dax1: format version 1 \(a log that cannot be compacted\) is mounted read-only'
	grep "^/dev/dax1 $C famfs_lite ro" /proc/mounts
	daxtest read-verify $C/g 0 $((2 * MB)) 61
	expect_fail_errno 'Read-only' touch $C/new
	expect_fail_errno 'Read-only' mount -o remount,rw $C
	expect_dmesg 'famfs_lite: dax1: format version 1 is read-only here'
	mount -o remount,ro $C
	umount $C
}

case_torn_tail_ignored() {
	dd if=/tmp/small.img of=/dev/dax1 bs=$MB conv=notrunc 2> /dev/null
	g=$(nth_entry 1 3)
	famfsl_poke /dev/dax1 log next_index $g
	fsck.famfs_lite /dev/dax1 | tee /tmp/fsck.out
	grep -q "uncommitted log entry $g ignored" /tmp/fsck.out
	mount -t famfs_lite /dev/dax1 $C
	expect_dmesg "famfs_lite: dax1: ignoring uncommitted log entry $g \(torn tail\)"
	[ -e $C/d/f ] && [ ! -e $C/g ]
	umount $C
}

# A removed file whose page a pipe holds keeps its space, and unmount
# waits for the pipe.
case_umount_waits_for_pinned_pages() {
	mkfs.famfs_lite -f -l 2M /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $C
	fallocate -l $((2 * MB)) $C/p
	daxtest pin-hold $C/p 8 > /tmp/pin.out &
	wait_for_line /tmp/pin.out pinned
	rm $C/p
	sleep 0.5
	df -k $C | grep ' 61440 *2048 *59392 '
	umount $C
	expect_dmesg 'famfs_lite: dax1: inode [0-9]+: waiting for a pipe or an I/O to release its pages'
	wait
	fsck.famfs_lite /dev/dax1 | grep 'clean: 0 files, 0 directories, 0 of 60 MiB used'
}

# Inode numbers have a limit; a log may not name one past it, and creates
# stop at it rather than wrap around to the root's number.
case_inode_numbers_bounded() {
	mkfs.famfs_lite -f -l 2M /dev/dax1 > /dev/null
	mount -t famfs_lite /dev/dax1 $C
	mkdir $C/d
	umount $C
	famfsl_poke /dev/dax1 entry 0 create.ino $((1 << 48))
	dmesg_mark
	expect_fail_errno "$EUCLEAN" mount -t famfs_lite /dev/dax1 $C
	expect_dmesg 'famfs_lite: dax1: log entry 0: inode number out of range'
	famfsl_poke /dev/dax1 entry 0 create.ino $(((1 << 48) - 1))
	mount -t famfs_lite /dev/dax1 $C
	expect_fail_errno 'No space left' touch $C/d/x
	expect_dmesg 'famfs_lite: dax1: inode numbers are used up'
	umount $C
}

# as_user CMD...: CMD as uid/gid 1000, without capabilities.  The
# initramfs's root directory is made 0700 (from its staging directory):
# open it to others, so that they can run programs.
as_user() {
	chmod go+rx /
	daxtest as-user 1000 1000 "$@"
}

# One user who fills the log cannot stop anyone from deleting, nor root
# from changing anything.  A 2 MiB log is two areas of 4080 entries.  A
# compacted log of this tree needs 1 entry for the root, 1 per file and 2
# per directory with children; ordinary users may change the tree while
# that stays within 95 % of an area (3876, less 2 for the change), root
# within 97.5 % (3978), and removals always go.
case_log_reserve() {
	mkfs.famfs_lite -f -l 2M /dev/dax1
	mount -t famfs_lite /dev/dax1 $C
	mkdir $C/u
	chown 1000:1000 $C/u
	as_user mkdir $C/u/empty
	# 1 + 2 + 1 so far; a change may grow it by 2, so files go on
	# while it is 3874 or less: 3871 files make 3875.
	out=$(as_user daxtest mkfiles $C/u 9000)
	echo "$out"
	[ "$out" = 'created=3871 err=ENOSPC' ] || die "unexpected: $out"
	expect_dmesg 'famfs_lite: dax1: log reserve reached: the tree needs 3875 of 4080 entries; only removals and root may change it'
	expect_fail_errno 'No space left' as_user mkdir $C/u/more
	expect_fail_errno 'No space left' as_user mv $C/u/f1 $C/u/g1
	expect_fail_errno 'No space left' as_user chmod 600 $C/u/f1
	expect_fail_errno 'No space left' as_user truncate -s $MB $C/u/f1
	# growth by a write is such a change too (an EXTEND with extents)
	out=$(as_user daxtest io $C/u/f1 write 0 4096)
	[ "$out" = err=ENOSPC ] || die "growth by write past the reserve: $out"
	[ "$(stat -c %s $C/u/f1)" = 0 ]
	# Removals by the user, and anything by root, still go.
	as_user rm $C/u/f0
	as_user rmdir $C/u/empty
	rm $C/u/f2
	mkdir $C/rootdir
	out=$(daxtest mkfiles $C/rootdir 9000)
	echo "$out"
	[ "$out" = 'created=103 err=ENOSPC' ] || die "unexpected: $out"
	expect_dmesg 'famfs_lite: dax1: log full: the tree needs 3977 of 4080 entries; changes but removals fail with ENOSPC'
	# Removals always go: the log fills, and is compacted, under them.
	as_user sh -c "rm $C/u/f1*"
	expect_dmesg 'famfs_lite: dax1: log compacted to generation 1: '
	rm $C/rootdir/f0
	mv $C/rootdir/f1 $C/f1
	chmod 600 $C/f1
	fallocate -l $((2 * MB)) $C/f1
	daxtest write $C/f1 0 $((2 * MB)) 71
	as_user touch $C/u/again
	umount $C
	gen=$(famfsl_poke /dev/dax1 get gen)
	echo "log generation $gen"
	[ "$gen" -ge 1 ] || die "the log was never compacted"
	fsck.famfs_lite /dev/dax1 | tee /tmp/fsck.out
	# 3871 - f0 - f2 - f1* (1111) + again; 103 - f0 of root's
	grep -q 'clean: 2861 files, 2 directories, 2 of 60 MiB used' /tmp/fsck.out
	mount -t famfs_lite /dev/dax1 $C
	daxtest read-verify $C/f1 0 $((2 * MB)) 71
	[ "$(stat -c '%a %s' $C/f1)" = "600 $((2 * MB))" ]
	[ -e $C/u/f2000 ] && [ -e $C/u/again ] && [ ! -e $C/u/f1999 ] && [ ! -e $C/u/f1 ]
	[ "$(stat -c '%u %g' $C/u/f3869)" = '1000 1000' ]
	umount $C
}

# keep_stat: what compaction and remounts must keep of the tree on $C.
keep_stat() {
	stat -c '%n %F %a %u %g %s' $C $C/keep $C/keep/sub $C/keep/data \
		$C/keep/small2 $C/keep/empty
	stat -c '%n %Y' $C/keep/data $C/keep/small2
}

# Creates and removals fill the log again and again; each time it is
# compacted into the other area, and the tree, its data and attributes
# stay as they were, before and after a remount.
case_log_compaction() {
	mkfs.famfs_lite -f -l 2M /dev/dax1
	mount -t famfs_lite /dev/dax1 $C
	mkdir -p $C/keep/sub $C/churn
	fallocate -l $((4 * MB)) $C/keep/data
	daxtest write $C/keep/data 0 $((4 * MB)) 81
	truncate -s 100 $C/keep/sub/small
	chmod 0751 $C/keep/sub
	chown 1000:2000 $C/keep/data
	touch -d '2021-02-03 04:05:06' $C/keep/data
	mv $C/keep/sub/small $C/keep/small2
	touch $C/keep/empty
	chmod 0700 $C
	keep_stat > /tmp/keep.before
	for r in $(seq 8); do
		[ "$(daxtest mkfiles $C/churn 1000)" = created=1000 ]
		rm $C/churn/*
	done
	expect_dmesg 'famfs_lite: dax1: log compacted to generation 3: '
	keep_stat | diff /tmp/keep.before -
	daxtest read-verify $C/keep/data 0 $((4 * MB)) 81
	mount -o remount,compact $C
	umount $C
	gen=$(famfsl_poke /dev/dax1 get gen)
	echo "log generation $gen"
	[ "$gen" -ge 4 ] || die "compacted fewer than 4 times"
	fsck.famfs_lite /dev/dax1 | grep "clean: 3 files, 3 directories, 5 of 60 MiB used, log [0-9]* of 4080 entries, generation $gen, 1025 of 15360 blocks"
	mount -t famfs_lite /dev/dax1 $C
	keep_stat | diff /tmp/keep.before -
	daxtest read-verify $C/keep/data 0 $((4 * MB)) 81
	umount $C
	# fsck compacts offline as the kernel does: the same entries
	n=$(famfsl_poke /dev/dax1 get log next_index)
	fsck.famfs_lite --compact /dev/dax1 | tee /tmp/fsck.out
	grep -q "compacted: log generation $((gen + 1)), $n entries, from $n" /tmp/fsck.out
	fsck.famfs_lite /dev/dax1 | grep "clean: 3 files, 3 directories, 5 of 60 MiB used, log $n of 4080 entries, generation $((gen + 1)), 1025 of 15360 blocks"
	mount -t famfs_lite /dev/dax1 $C
	keep_stat | diff /tmp/keep.before -
	daxtest read-verify $C/keep/data 0 $((4 * MB)) 81
	expect_fail_errno 'Read-only' mount -o remount,ro,compact $C
	expect_dmesg 'famfs_lite: dax1: compact needs a read-write mount of format version 2 or later'
	umount $C
}

case_log_full() {
	mkfs.famfs_lite -f -l 2M /dev/dax1
	mount -t famfs_lite /dev/dax1 $C
	mkdir $C/dir
	out=$(daxtest mkfiles $C/dir 9000)
	echo "$out"
	# root's changes go on while the tree needs 3976 entries (3978 less
	# 2 for the change) or less: root 1, dir 2, 3974 files is 3977
	[ "$out" = 'created=3974 err=ENOSPC' ] || die "unexpected: $out"
	expect_fail_errno 'No space left' mkdir $C/more
	rm $C/dir/f0
	[ "$(dmesg_new | grep -c 'famfs_lite: dax1: log full: ')" = 1 ] ||
		die "log full was not reported exactly once"
	umount $C
	fsck.famfs_lite /dev/dax1 | grep 'clean: 3973 files, 1 directories'
	mount -t famfs_lite /dev/dax1 $C
	[ "$(ls $C/dir | wc -l)" = 3973 ]
	umount $C
}

case_allocation_enospc() {
	mkfs.famfs_lite -f -l 2M /dev/dax1
	mount -t famfs_lite /dev/dax1 $C
	touch $C/a $C/b $C/c $C/d
	expect_fail_errno 'No space left' fallocate -l $((62 * MB)) $C/a
	fallocate -l $((40 * MB)) $C/b
	expect_fail_errno 'No space left' fallocate -l $((30 * MB)) $C/c
	fallocate -l $((20 * MB)) $C/d
	df -k $C | grep ' 61440 *61440 *0 '
	rm $C/b
	fallocate -l $((30 * MB)) $C/c
	umount $C
	fsck.famfs_lite /dev/dax1 | grep 'clean: 3 files, 0 directories, 50 of 60 MiB used'
}

# fallocate and truncate of an empty file take the space in several runs
# where no free run is long enough, as a write does, and take nothing when
# the free space cannot hold it.
case_allocation_in_pieces() {
	mkfs.famfs_lite -f -l 2M /dev/dax1
	mount -t famfs_lite /dev/dax1 $C
	for _i in $(seq 0 29); do
		fallocate -l $((2 * MB)) $C/u$_i
	done
	df -k $C | grep ' 61440 *61440 *0 '
	# 15 free units of 2 MiB, no two next to each other
	for _i in $(seq 1 2 29); do
		rm $C/u$_i
	done
	fallocate -l $((8 * MB)) $C/f
	[ "$(extents $C/f | wc -l)" = 4 ] || die "f: not 4 extents: $(extents $C/f)"
	truncate -s $((5 * MB)) $C/t
	[ "$(extents $C/t | wc -l)" = 3 ] || die "t: not 3 extents: $(extents $C/t)"
	head -c $((5 * MB)) /dev/zero | cmp - $C/t
	head -c $((8 * MB)) /dev/zero | cmp - $C/f
	# 8 units left: 18 MiB is refused, and nothing is taken
	touch $C/g
	_used=$(df -k $C | awk 'NR == 2 { print $3 }')
	expect_fail_errno 'No space left' fallocate -l $((18 * MB)) $C/g
	expect_fail_errno 'No space left' truncate -s $((18 * MB)) $C/g
	[ "$(df -k $C | awk 'NR == 2 { print $3 }')" = "$_used" ]
	[ "$(stat -c %s $C/g)" = 0 ]
	fallocate -l $((16 * MB)) $C/g
	[ "$(extents $C/g | wc -l)" = 8 ]
	umount $C
	fsck.famfs_lite /dev/dax1 | grep 'clean: 18 files, 0 directories, 60 of 60 MiB used'
	mount -t famfs_lite /dev/dax1 $C
	[ "$(stat -c %s $C/f)" = $((8 * MB)) ]
	[ "$(stat -c %s $C/t)" = $((5 * MB)) ]
	[ "$(stat -c %s $C/g)" = $((16 * MB)) ]
	umount $C
}

# A fresh file system on dax0 for the growth cases; $M comes back at the end.
G=/mnt/grow

case_grow_with_standard_tools() {
	umount $M
	mkfs.famfs_lite -f /dev/dax0
	mkdir -p $G /tmp/src
	mount -t famfs_lite /dev/dax0 $G
	daxtest write /tmp/src/big 0 $((64 * MB)) 81 > /dev/null
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		dd if=/dev/urandom of=/tmp/src/s$i bs=$((i * 997)) count=1 2> /dev/null
	done
	: > /tmp/src/empty
	# cp of a large and of small files
	cp /tmp/src/big $G/big
	cmp /tmp/src/big $G/big
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		cp /tmp/src/s$i $G/s$i
		cmp /tmp/src/s$i $G/s$i
	done
	cp /tmp/src/empty $G/empty
	[ "$(stat -c %s $G/empty)" = 0 ]
	# written sequentially, it is its first 2 MiB (taken in 4 KiB blocks
	# while it was small, maybe in pieces) and one extent aligned as in
	# the file ...
	filefrag -v $G/big
	[ "$(extents_past_head $G/big)" = 1 ] ||
		die "a file written sequentially by cp is not one extent past its first 2 MiB"
	aligned_past_head $G/big
	set -- $(extents $G/big | tail -n 1)
	[ $(($1 + $3)) = 16384 ] || die "the file ends at block $(($1 + $3))"
	# ... and maps with 2 MiB faults past its first 2 MiB
	out=$(daxtest fault-count $G/big $((2 * MB)) $((62 * MB)))
	echo "$out"
	n=${out##*faults=}
	n=${n%% *}
	[ "$n" -ge 31 ] && [ "$n" -le 39 ] || die "$n faults for 62 MiB written by cp, expected about 31"
	# cat > f, and dd without fallocate
	cat /tmp/src/s7 > $G/cat
	cmp /tmp/src/s7 $G/cat
	dd if=/tmp/src/big of=$G/dd bs=1M count=5 2> /dev/null
	head -c $((5 * MB)) /tmp/src/big | cmp - $G/dd
	dd if=/tmp/src/big of=$G/dd-odd bs=12345 count=300 2> /dev/null
	head -c $((12345 * 300)) /tmp/src/big | cmp - $G/dd-odd
	# appends in many small writes, each by another open
	for i in $(seq 1 300); do
		printf '%04d\n' $i >> $G/appended
		printf '%04d\n' $i >> /tmp/src/appended
	done
	cmp /tmp/src/appended $G/appended
	# a write past the end leaves zeros before it
	printf end | dd of=$G/sparse bs=1 seek=$((3 * MB + 5)) 2> /dev/null
	[ "$(stat -c %s $G/sparse)" = $((3 * MB + 8)) ]
	head -c $((3 * MB + 5)) $G/sparse | cmp - /dev/zero 2>&1 | grep -q EOF ||
		die "the bytes before a write past the end are not zeros"
	# fallocate and truncate grow a file too; shrinking is refused
	fallocate -l $((3 * MB)) $G/s1
	[ "$(stat -c %s $G/s1)" = $((3 * MB)) ]
	truncate -s $((5 * MB)) $G/s1
	head -c 997 $G/s1 | cmp - /tmp/src/s1
	tail -c +998 $G/s1 | cmp - /dev/zero 2>&1 | grep -q EOF ||
		die "a file grown by truncate shows non-zero bytes"
	expect_fail_errno 'Invalid argument' truncate -s $MB $G/s1
	# tar -x of a tree
	mkdir -p /tmp/tree/d/e
	cp /tmp/src/s3 /tmp/src/s9 /tmp/tree/d/
	cp /tmp/src/s12 /tmp/tree/d/e/
	dd if=/tmp/src/big of=/tmp/tree/d/e/mid bs=1M count=9 2> /dev/null
	tar -C /tmp -cf /tmp/tree.tar tree
	tar -C $G -xf /tmp/tree.tar
	for f in d/s3 d/s9 d/e/s12 d/e/mid; do cmp /tmp/tree/$f $G/tree/$f; done
	# all of it after a remount, and fsck clean
	umount $G
	fsck.famfs_lite /dev/dax0
	mount -t famfs_lite /dev/dax0 $G
	cmp /tmp/src/big $G/big
	for i in 2 3 4 5 6 7 8 9 10 11 12; do cmp /tmp/src/s$i $G/s$i; done
	cmp /tmp/src/s7 $G/cat
	cmp /tmp/src/appended $G/appended
	[ "$(stat -c %s $G/sparse)" = $((3 * MB + 8)) ]
	[ "$(stat -c %s $G/s1)" = $((5 * MB)) ]
	for f in d/s3 d/s9 d/e/s12 d/e/mid; do cmp /tmp/tree/$f $G/tree/$f; done
	rm /tmp/tree.tar
	rm -r /tmp/tree
	expect_no_dmesg 'no extent at offset'
}

# rsync -a of a tree: each file written under a temporary name, then
# renamed; again after a change, renamed over the old one; all of it
# after a remount, and fsck clean.
case_rsync_tree() {
	mkdir -p /tmp/tree/d/e
	cp /tmp/src/s3 /tmp/src/s9 /tmp/tree/d/
	cp /tmp/src/s12 /tmp/tree/d/e/
	dd if=/tmp/src/big of=/tmp/tree/d/e/mid bs=1M count=9 2> /dev/null
	rsync -a /tmp/tree/ $G/rtree/
	for f in d/s3 d/s9 d/e/s12 d/e/mid; do cmp /tmp/tree/$f $G/rtree/$f; done
	[ "$(stat -c %Y /tmp/tree/d/e/mid)" = "$(stat -c %Y $G/rtree/d/e/mid)" ]
	dd if=/tmp/src/big of=/tmp/tree/d/e/mid bs=1M skip=20 count=11 2> /dev/null
	cp /tmp/src/s5 /tmp/tree/d/s3
	rsync -a /tmp/tree/ $G/rtree/
	for f in d/s3 d/s9 d/e/s12 d/e/mid; do cmp /tmp/tree/$f $G/rtree/$f; done
	[ -z "$(find $G/rtree -name '.*')" ] || die "rsync left temporary files"
	umount $G
	fsck.famfs_lite /dev/dax0
	mount -t famfs_lite /dev/dax0 $G
	for f in d/s3 d/s9 d/e/s12 d/e/mid; do cmp /tmp/tree/$f $G/rtree/$f; done
	# the space it took, and the replaced files left, returns to the
	# free tail
	rm -r $G/rtree /tmp/tree
}

# Appends while other processes read the file, map it and ask for its
# extents, with the background zeroing running: no error, the mapping
# holds, the data is whole, and the appends continue one extent.
case_grow_while_read_and_mapped() {
	dd if=/dev/urandom of=/tmp/src/chunk bs=1M count=3 2> /dev/null
	cp /tmp/src/chunk $G/busy
	cp /tmp/src/chunk /tmp/src/busy
	daxtest mmap-probe $G/busy 8 > /tmp/probe.out &
	probe=$!
	wait_for_line /tmp/probe.out mapped
	(
		while [ ! -e /tmp/appends-done ]; do
			cat $G/busy > /dev/null || exit 1
			filefrag $G/busy > /dev/null || exit 1
		done
	) &
	reader=$!
	for i in $(seq 1 12); do
		cat /tmp/src/chunk >> $G/busy
		cat /tmp/src/chunk >> /tmp/src/busy
	done
	touch /tmp/appends-done
	wait $reader || die "a reader failed while the file grew"
	wait $probe
	grep -q '^read' /tmp/probe.out || die "the mapping broke while the file grew"
	cmp /tmp/src/busy $G/busy
	filefrag -v $G/busy
	# its first 2 MiB, taken while small, then one extent the appends continued
	[ "$(extents_past_head $G/busy)" = 1 ] ||
		die "appends into free space did not continue the extent"
	aligned_past_head $G/busy
	rm $G/busy /tmp/src/busy /tmp/appends-done
}

# old_data_round: fill 96 MiB of free space with a pattern, free it, grow
# new files over it (and over what earlier file systems on the device
# left) and check that they read as zeros.
old_data_round() {
	fill=$((96 * MB))
	fallocate -l $fill $G/old
	daxtest write $G/old 0 $fill 71
	rm $G/old
	sleep "$1"
	# new files grown by writes, small and large, sparse and sequential
	printf x | dd of=$G/new1 bs=1 seek=$((40 * MB)) 2> /dev/null
	head -c $((40 * MB)) $G/new1 | cmp - /dev/zero 2>&1 | grep -q EOF ||
		die "a file grown by a write shows old data"
	dd if=/dev/zero of=$G/new2 bs=4096 count=1 2> /dev/null
	printf y >> $G/new2
	dd if=$G/new2 bs=1M 2> /dev/null | tr -d '\000' | grep -qx y ||
		die "a small grown file shows old data"
	for i in 1 2 3 4 5 6 7 8; do
		printf z | dd of=$G/new3 bs=1 seek=$((i * 3 * MB)) conv=notrunc 2> /dev/null
	done
	[ "$(tr -d '\000' < $G/new3)" = zzzzzzzz ] ||
		die "a file grown in steps shows old data"
	fallocate -l $((32 * MB)) $G/new4
	cmp $G/new4 /dev/zero 2>&1 | grep -q EOF ||
		die "a file given space by fallocate shows old data"
	rm $G/new1 $G/new2 $G/new3 $G/new4
}

case_grow_never_shows_old_data() {
	# every allocation zeroes its space itself
	echo N > /sys/module/famfs_lite/parameters/prezero
	old_data_round 1
	# space zeroed in the background (all of it, or some not yet)
	echo Y > /sys/module/famfs_lite/parameters/prezero
	old_data_round 4
}

case_grow_enospc() {
	umount $G
	mkfs.famfs_lite -f -l 2M /dev/dax1
	mount -t famfs_lite /dev/dax1 $G
	fallocate -l $((50 * MB)) $G/a
	# 10 MiB left: a write that could not even begin takes nothing ...
	touch $G/far
	[ "$(daxtest io $G/far write $((30 * MB)) 1)" = err=ENOSPC ]
	[ "$(stat -c %s $G/far)" = 0 ]
	# ... and one of 20 MiB comes back short
	touch $G/b
	[ "$(daxtest io $G/b write 0 $((20 * MB)))" = ret=$((10 * MB)) ] ||
		die "no short write at ENOSPC"
	[ "$(daxtest io $G/b write $((10 * MB)) 4096)" = err=ENOSPC ]
	[ "$(stat -c %s $G/b)" = $((10 * MB)) ]
	expect_fail_errno 'No space left' dd if=/tmp/src/big of=$G/c bs=1M count=4
	[ "$(stat -c %s $G/c)" = 0 ]
	expect_fail_errno 'No space left' fallocate -l $((60 * MB)) $G/a
	[ "$(stat -c %s $G/a)" = $((50 * MB)) ]
	umount $G
	fsck.famfs_lite /dev/dax1 | grep 'clean: 4 files, 0 directories, 60 of 60 MiB used'
	mount -t famfs_lite /dev/dax1 $G
	[ "$(stat -c %s $G/b)" = $((10 * MB)) ]
	rm $G/a
	sleep 1
	cp /tmp/src/big $G/c2 2> /dev/null && die "cp of 64 MiB into 50 MiB succeeded"
	[ "$(stat -c %s $G/c2)" = $((50 * MB)) ]
	head -c $((50 * MB)) /tmp/src/big | cmp - $G/c2
	umount $G
	fsck.famfs_lite /dev/dax1 | grep 'clean: 4 files, 0 directories, 60 of 60 MiB used'
}

# zero_units DEV FIRST END: the 2 MiB units of DEV from FIRST to END that
# hold only zeros, by number, on one line.
zero_units() {
	head -c $((2 * MB)) /dev/zero > /tmp/zero-unit
	_z=
	for _u in $(seq "$2" $(($3 - 1))); do
		dd if="$1" bs=$((2 * MB)) skip=$_u count=1 2> /dev/null |
			cmp -s - /tmp/zero-unit && _z="$_z $_u"
	done
	echo "${_z# }"
}

# The background zeroing keeps prezero_ahead_mb of free space zeroed, at
# the lowest offsets (where allocations take space), not the whole device:
# over a device full of old data, a mount zeroes 8 MiB, and an allocation
# that takes a unit of it is followed by one more.
case_background_zeroing_bounded() {
	P=/sys/module/famfs_lite/parameters
	[ "$(cat $P/prezero_ahead_mb)" = 1024 ]
	daxtest mmap-fill /dev/dax1 0 $((64 * MB)) 91 > /dev/null
	mkfs.famfs_lite -f -l 2M /dev/dax1 > /dev/null
	first=$(($(famfsl_poke /dev/dax1 get sb data_offset) / (2 * MB)))
	echo 8 > $P/prezero_ahead_mb
	mount -t famfs_lite /dev/dax1 $G
	sleep 4
	umount $G
	z=$(zero_units /dev/dax1 $first 32)
	echo "zero units after a mount: $z"
	[ "$z" = "$(seq -s ' ' $first $((first + 3)))" ] ||
		die "8 MiB ahead: zero units $z, data from $first"
	mount -t famfs_lite /dev/dax1 $G
	fallocate -l $((2 * MB)) $G/one
	sleep 4
	umount $G
	z=$(zero_units /dev/dax1 $first 32)
	echo "zero units after an allocation: $z"
	[ "$z" = "$(seq -s ' ' $first $((first + 4)))" ] ||
		die "8 MiB ahead after one allocation: zero units $z"
	echo 1024 > $P/prezero_ahead_mb
	fsck.famfs_lite /dev/dax1 | grep 'clean: 1 files'
}

# mkfs -F 1 makes a version 1 image (one log area, no growth), which this
# kernel mounts read-only; fsck finds it clean.
case_version_1_files_never_grow() {
	mkfs.famfs_lite -f -F 1 -l 2M /dev/dax1
	fsck.famfs_lite /dev/dax1 | tee /tmp/fsck.out
	grep -q 'note: format version 1, which the kernel mounts read-only' /tmp/fsck.out
	grep -q 'clean: 0 files, 0 directories, 0 of [0-9]* MiB used, log 0 of 8176 entries$' /tmp/fsck.out
	mount -t famfs_lite /dev/dax1 $G
	expect_dmesg 'famfs_lite: dax1: format version 1 \(a log that cannot be compacted\) is mounted read-only'
	expect_fail_errno 'Read-only' touch $G/empty
	umount $G
	mount -t famfs_lite /dev/dax1 $M
}

case_unload() {
	umount $M
	rmmod famfs_lite dax_chardev dax_core
}

run_case load case_load
run_case mkfs-and-its-refusals case_mkfs
run_case mount-and-fill case_mount_and_fill
run_case namespace-ops case_namespace_ops
run_case space-semantics case_space_semantics
run_case fiemap-extents case_fiemap
run_case pmd-faults case_pmd_faults
run_case fsync-msync-map-sync case_fsync_msync_map_sync
run_case pinned-page-not-reused case_pinned_page_not_reused
run_case sendfile case_sendfile
run_case persist-across-umount case_persist_across_umount
run_case persist-across-module-reload case_persist_across_reload
run_case double-mount-refused case_double_mount_refused
run_case device-busy-while-mounted case_busy_while_mounted
run_case mount-refused-while-raw-mapped case_mount_refused_while_raw_mapped
run_case read-only-leaves-media-unchanged case_read_only_leaves_media_unchanged
run_case corrupt-superblock-refused case_corrupt_superblock
run_case corrupt-log-header-refused case_corrupt_log_header
run_case corrupt-entries-refused case_corrupt_entries
run_case log-tree-mismatches-refused case_log_tree_mismatches
run_case version-1-read-only case_version_1_read_only
run_case torn-tail-ignored case_torn_tail_ignored
run_case umount-waits-for-pinned-pages case_umount_waits_for_pinned_pages
run_case inode-numbers-bounded case_inode_numbers_bounded
run_case log-reserve case_log_reserve
run_case log-compaction case_log_compaction
run_case log-full case_log_full
run_case allocation-enospc case_allocation_enospc
run_case allocation-in-pieces case_allocation_in_pieces
run_case grow-with-standard-tools case_grow_with_standard_tools
run_rsync_case rsync-tree case_rsync_tree
run_case grow-while-read-and-mapped case_grow_while_read_and_mapped
run_case grow-never-shows-old-data case_grow_never_shows_old_data
run_case grow-enospc case_grow_enospc
run_case background-zeroing-bounded case_background_zeroing_bounded
run_case version-1-files-never-grow case_version_1_files_never_grow
run_case unload case_unload
