#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# fsck.famfs_lite on crafted images, on the host (no kernel needed): the
# space check at the format's granule.  Version 3 extents are 4 KiB
# blocks, so two files that share one 4 KiB block are corrupt while two
# whose blocks are adjacent are not; the space of a removed file is free
# again; extents must be whole blocks inside the data area.  Version 2
# keeps 2 MiB units.  Needs tools/ and build/famfsl_poke (make tools
# test-helpers).  Prints each case; exits non-zero if any failed.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DAXLITE_ROOT" || exit 1

MKFS=tools/mkfs.famfs_lite
FSCK=${FSCK:-tools/fsck.famfs_lite}
POKE=$DAXLITE_BUILD/famfsl_poke
IMG=$DAXLITE_BUILD/fsck-host.img
K=4096
M=$((1 << 20))
# a 64 MiB image with a 2 MiB log: the data area is [4 MiB, 64 MiB)
D=$((4 * M))
END=$((64 * M))

for f in $MKFS $FSCK $POKE; do
	[ -x "$f" ] || { echo "$f missing: make tools test-helpers"; exit 1; }
done
mkdir -p "$DAXLITE_BUILD"

failed=0
n=0

# mk VERSION: an empty file system of that format version.
mk() {
	rm -f "$IMG"
	truncate -s $END "$IMG"
	$MKFS -F "$1" -l 2M "$IMG" > /dev/null || exit 1
	n=0
}

# put FIELD VALUE...: set fields of the next entry (uncommitted); next:
# commit it.
put() {
	while [ $# -gt 0 ]; do
		$POKE "$IMG" entry $n "$1" "$2" || exit 1
		shift 2
	done
}

next() {
	n=$((n + 1))
	$POKE "$IMG" log next_index $n || exit 1
}

# create INO NAME: a regular file in the root.
create() {
	put seq $n type 1 create.ino "$1" create.parent 1 \
		create.mode 0100644 create.name_len ${#2} create.name "$2"
	next
}

# alloc INO SIZE OFF LEN [OFF2 LEN2]: an ALLOC of one or two extents.
alloc() {
	put seq $n type 2 alloc.ino "$1" alloc.size "$2" alloc.nr_extents $(($# > 4 ? 2 : 1)) \
		alloc.ext[0].dev_offset "$3" alloc.ext[0].len "$4"
	[ $# -le 4 ] || put alloc.ext[1].dev_offset "$5" alloc.ext[1].len "$6"
	next
}

# extend INO SIZE OFF LEN: an EXTEND of one extent.
extend() {
	put seq $n type 6 alloc.ino "$1" alloc.size "$2" alloc.nr_extents 1 \
		alloc.ext[0].dev_offset "$3" alloc.ext[0].len "$4"
	next
}

unlink_ino() {
	put seq $n type 4 unlink.ino "$1" unlink.parent 1
	next
}

# expect RC PATTERN CASE: fsck exits RC and prints a line matching PATTERN.
expect() {
	local out rc
	out=$($FSCK "$IMG" 2>&1)
	rc=$?
	if [ $rc = "$1" ] && grep -qE "$2" <<< "$out"; then
		echo "PASS $3"
	else
		echo "FAIL $3: fsck exited $rc (want $1), said: $out (want /$2/)"
		failed=$((failed + 1))
	fi
}

mk 3
create 2 a
alloc 2 $K $D $K
create 3 b
alloc 3 $((2 * K)) $((D + K)) $((2 * K))
expect 0 'clean: 2 files, 0 directories, 1 of 60 MiB used, log 4 of 4080 entries, generation 0, 3 of 15360 blocks of 4 KiB used$' \
	v3-adjacent-4k-extents-of-two-files-are-clean

mk 3
create 2 a
alloc 2 $((2 * K)) $D $((2 * K))
create 3 b
alloc 3 $K $((D + K)) $K
expect 4 'log entry 3: extent overlaps another file' v3-two-files-sharing-one-4k-block-are-corrupt

mk 3
create 2 a
alloc 2 $((2 * K)) $((D + 2 * M - K)) $((2 * K))
create 3 b
alloc 3 $K $((D + 2 * M)) $K
expect 4 'log entry 3: extent overlaps another file' v3-overlap-past-a-2m-unit-boundary-is-corrupt

mk 3
create 2 a
alloc 2 $((3 * K)) $D $K $((D + 2 * K)) $K
expect 4 'log entry 1: file size exceeds its extents' v3-size-past-two-4k-extents-is-corrupt

mk 3
create 2 a
alloc 2 $K $((D + 8 * K)) $((2 * K)) $((D + 9 * K)) $K
expect 4 'log entry 1: extent overlaps another file' v3-extents-of-one-entry-overlapping-are-corrupt

mk 3
create 2 a
alloc 2 $K $D $K
unlink_ino 2
create 3 b
alloc 3 $K $D $K
expect 0 'clean: 1 files, 0 directories, 1 of 60 MiB used, .*, 1 of 15360 blocks of 4 KiB used$' \
	v3-space-of-a-removed-file-is-free-again

# A small file of 100 blocks, then a grown one: its 100-block head, then
# an extent placed so that file and device offsets agree modulo 2 MiB
# (it starts mid-unit, after the small file) and runs on 2 MiB more.
mk 3
create 2 small
alloc 2 $((100 * K)) $D $((100 * K))
create 3 grown
alloc 3 $((100 * K)) $((D + 2 * M + 4 * M)) $((100 * K))
extend 3 $((3 * M)) $((D + 100 * K)) $((2 * M - 100 * K + 2 * M))
expect 0 'clean: 2 files, 0 directories, 5 of 60 MiB used, .*, 1124 of 15360 blocks of 4 KiB used$' \
	v3-extent-starting-mid-unit-is-clean
# --compact keeps the extents: the grown file is one ALLOC of its two
# (then the root's SETATTR)
$FSCK --compact "$IMG" > /dev/null
expect 0 'clean: 2 files, 0 directories, 5 of 60 MiB used, log 5 of 4080 entries, generation 1, 1124 of 15360 blocks of 4 KiB used$' \
	v3-compacted-log-keeps-the-4k-extents
[ "$($POKE "$IMG" get entry 3 alloc.nr_extents)" = 2 ] &&
	[ "$($POKE "$IMG" get entry 3 alloc.ext[1].dev_offset)" = $((D + 100 * K)) ] ||
	{ echo "FAIL v3-compacted-log-keeps-the-4k-extents: entry 3 is not the grown file's two extents"; failed=$((failed + 1)); }

mk 3
create 2 a
alloc 2 1 $((D + 512)) $K
expect 4 'log entry 1: extent is not in whole 4 KiB blocks' v3-extent-not-4k-aligned-is-corrupt

mk 3
create 2 a
alloc 2 1 $D $((K + 1))
expect 4 'log entry 1: extent is not in whole 4 KiB blocks' v3-length-not-4k-is-corrupt

mk 3
create 2 a
alloc 2 1 $((D - K)) $((2 * K))
expect 4 'log entry 1: extent lies outside the data area' v3-extent-straddling-the-data-start-is-corrupt

mk 3
create 2 a
alloc 2 1 $((END - K)) $((2 * K))
expect 4 'log entry 1: extent lies outside the data area' v3-extent-straddling-the-data-end-is-corrupt

mk 3
create 2 a
alloc 2 1 $((END - K)) $K
expect 0 'clean: 1 files, .*, 1 of 15360 blocks of 4 KiB used$' v3-last-4k-block-is-clean

mk 2
create 2 a
alloc 2 1 $D $K
expect 4 'log entry 1: extent is not in whole 2 MiB units' v2-4k-extent-is-corrupt

mk 2
create 2 a
alloc 2 1 $D $((2 * M))
create 3 b
alloc 3 1 $((D + 2 * M)) $((4 * M))
expect 0 'clean: 2 files, 0 directories, 6 of 60 MiB used, log 4 of 4080 entries, generation 0$' \
	v2-2m-extents-are-clean

mk 2
create 2 a
alloc 2 1 $D $((4 * M))
create 3 b
alloc 3 1 $((D + 2 * M)) $((2 * M))
expect 4 'log entry 3: extent overlaps another file' v2-overlapping-2m-units-are-corrupt

# The largest log is 1 GiB (a mount reads a whole log area into one
# kernel buffer): mkfs refuses a larger one, and fsck, as mount, a
# superblock that says so.
rm -f "$IMG"
truncate -s $((2048 * M)) "$IMG"
out=$($MKFS -l 1026M "$IMG" 2>&1)
rc=$?
if [ $rc = 2 ] && grep -q "bad log size '1026M'" <<< "$out"; then
	echo "PASS mkfs-refuses-a-log-past-1g"
else
	echo "FAIL mkfs-refuses-a-log-past-1g: mkfs exited $rc, said: $out"
	failed=$((failed + 1))
fi
mk 3
$POKE "$IMG" sb dev_size $((2048 * M)) || exit 1
$POKE "$IMG" sb log_len $((1026 * M)) || exit 1
$POKE "$IMG" sb data_offset $((1028 * M)) || exit 1
expect 4 'superblock: log is larger than 1 GiB$' superblock-with-a-log-past-1g-is-refused

rm -f "$IMG"
echo "fsck-host: $failed failed"
[ $failed = 0 ]
