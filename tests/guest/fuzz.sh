# SPDX-License-Identifier: GPL-2.0-only
# The famfs_lite image fuzzer (tests/helpers/famfsl_fuzz.c).  A script
# makes a base image with a few hundred log entries of every type; then
# each image is the base with a few fields of its superblock, log header
# or entries mutated, written to the device, checked by fsck, mounted,
# walked, changed where writable, unmounted and checked again.  Mount and
# fsck must agree on every image and give the same reason for a refusal.
#
# $1 is COUNT[-SEED[-FIRST[-COUNT2]]]: images FIRST .. FIRST+COUNT-1 of
# SEED (default 300 images of seed 1 from 0) of a base image of format
# version 3 (mkfs's default: 4 KiB extents), then FIRST .. FIRST+COUNT2-1
# of a version 2 base (2 MiB extents; COUNT2 is COUNT / 5 unless given,
# so 0-S-I-1 replays image I of a version 2 failure).  The images listed
# in /tests/fuzz-regressions.txt (tests/fuzz/regressions.txt) run first,
# on the version 3 base.
# The guest boots with memmap=1G$0x80000000; dax0 is 64 MiB of it.
. /tests/lib.sh

MB=1048576
C=/mnt/fuzz
BASE=/tmp/base.img
BASE2=/tmp/base2.img
# Images per CASE line: the log shows batches, and every failing image.
BATCH=500

arg=${1:-300}
COUNT=${arg%%-*}
rest=${arg#"$COUNT"}
rest=${rest#-}
SEED=${rest%%-*}
SEED=${SEED:-1}
rest=${rest#"$SEED"}
rest=${rest#-}
FIRST=${rest%%-*}
FIRST=${FIRST:-0}
COUNT2=${rest#"$FIRST"}
COUNT2=${COUNT2#-}
COUNT2=${COUNT2:-$((COUNT / 5))}

case_load() {
	# A kernel without its modules here (a debug kernel, run-guest.sh -k)
	# has these built in.
	if [ -d /lib/modules/$(uname -r) ]; then
		modprobe libcrc32c
		modprobe libnvdimm
	fi
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko ranges=64M@0x80000000
	insmod $MODDIR/famfs_lite.ko
	mkdir -p $C
}

# One directory's worth of history: every entry type, renames within
# and across directories and over existing files, removals.
fill_dir() {
	d=$C/d$1
	mkdir $d $d/s $d/s/t
	for f in 0 1 2 3 4 5 6 7 8 9 10 11; do
		touch $d/f$f
	done
	fallocate -l $((2 * MB)) $d/f0
	truncate -s $((2 * MB - 1000)) $d/f1
	daxtest write $d/f1 0 $((2 * MB - 1000)) $1
	chmod 0600 $d/f2 $d/f3
	chmod 0711 $d/s
	chown 1000:100 $d/f4
	chown 0:1234 $d/s/t
	touch -d '2021-02-03 04:05:06' $d/f5
	mv $d/f6 $d/s/g6
	mv $d/f7 $d/f8
	rm $d/f9
	mkdir $d/gone
	rmdir $d/gone
	[ "$1" = 0 ] || mv $C/d$(($1 - 1))/s/t $d/s/t$1
	[ "$1" = 0 ] || mv $d/f10 $C/d$(($1 - 1))/f11
	[ "$1" -lt 2 ] || rm $C/d$(($1 - 2))/f0
}

# make_base VERSION IMAGE: the base image, made the same way in every
# guest, then given a fixed uuid and fixed times, so "seed iteration"
# names one image everywhere.
make_base() {
	mkfs.famfs_lite -f -F $1 -l 2M /dev/dax0 > /dev/null
	mount -t famfs_lite /dev/dax0 $C
	for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
		fill_dir $i
	done
	# growth (EXTEND entries, with extents and size-only), after the
	# rest so the entries before keep their places
	printf 'grown\n' > $C/d0/f3
	printf 'more\n' >> $C/d0/f3
	truncate -s $((3 * MB)) $C/d1/f3
	daxtest write $C/d1/f3 0 $((3 * MB)) 7
	printf x | dd of=$C/d1/f3 bs=1 seek=$((5 * MB)) conv=notrunc 2> /dev/null
	umount $C
	fsck.famfs_lite /dev/dax0
	dd if=/dev/dax0 of=$2 bs=$MB 2> /dev/null
	famfsl_fuzz base $2
	fsck.famfs_lite $2
}

case_base() {
	make_base 3 $BASE
	[ "$(famfsl_poke $BASE get sb version)" = 3 ]
}

case_base2() {
	make_base 2 $BASE2
	[ "$(famfsl_poke $BASE2 get sb version)" = 2 ]
}

case_regressions() {
	famfsl_fuzz replay $BASE /dev/dax0 $C /tests/fuzz-regressions.txt
}

# fuzz_batch FIRST N [BASE]: images FIRST .. FIRST+N-1 of SEED.
fuzz_batch() {
	echo "seed $SEED images $1 to $(($1 + $2 - 1)) of ${3:-$BASE}" > /dev/console
	_rc=0
	famfsl_fuzz run ${3:-$BASE} /dev/dax0 $C $SEED $1 $2 || _rc=$?
	# Memory that grows batch after batch would be a leak.
	echo "after: $(grep -E '^(MemFree|Slab):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
	return $_rc
}

case_unload() {
	rmmod famfs_lite dax_chardev dax_core
}

run_case load case_load
run_case base-image case_base
run_case regressions case_regressions
i=$FIRST
end=$((FIRST + COUNT))
while [ $i -lt $end ]; do
	n=$BATCH
	[ $((i + n)) -le $end ] || n=$((end - i))
	run_case "fuzz-seed-$SEED-images-$i-$((i + n - 1))" fuzz_batch $i $n
	i=$((i + n))
done
if [ "$COUNT2" -gt 0 ]; then
	run_case base-image-v2 case_base2
	i=$FIRST
	end=$((FIRST + COUNT2))
	while [ $i -lt $end ]; do
		n=$BATCH
		[ $((i + n)) -le $end ] || n=$((end - i))
		run_case "fuzz-v2-seed-$SEED-images-$i-$((i + n - 1))" fuzz_batch $i $n $BASE2
		i=$((i + n))
	done
fi
run_case unload case_unload
