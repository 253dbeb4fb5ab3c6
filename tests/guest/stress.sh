# SPDX-License-Identifier: GPL-2.0-only
# make stress: everything at once for DURATION seconds ($1, default 300),
# on the debug kernel.  The guest boots with memmap=1G$0x80000000 and one
# NVDIMM (-n FILE:512M); with $1 = alias-DURATION, two NVDIMMs on one
# backing file (-A) as well.
#
# On a famfs_lite mount of dax0 (memmap), at the same time:
#  - shared workers: create, unlink, rename (also across directories),
#    chmod, mkdir/rmdir, fallocate, truncate, writes, mmap stores, mmap
#    faults and reads on one small set of names: errors are expected
#    (ENOENT, EEXIST, EINVAL, ENOSPC), kernel reports are not;
#  - private writers: each makes files under a temporary name, allocates,
#    fills them (write or mmap stores), renames them into place, records
#    them, and removes its older ones: at the end every recorded file is
#    read back, and no step of theirs may have failed;
#  - a reader mapping and reading the shared and the private files;
#  - the NVDIMM's namespace attached and detached in a loop (dax1),
#    racing opens, reads and maps of /dev/dax1;
#  - rmmod of every module in a loop: refused ("in use") while busy;
#    dax_blk, whose disk a reader opens now and then, may go, and is
#    loaded again;
#  - an anonymous-memory balloon taking half of the free memory, over and
#    over.
# The alias variant adds a writer mount of the second NVDIMM (dax2), a
# reader mount -o ro of the first (dax1) remounted in a loop, and a
# publisher writing files by rename that the reader verifies; the
# namespace attach/detach loop is left out (both views are mounted).
# Then: no kernel report (checked every few seconds, and by the host),
# fsck clean, every recorded file verified.
. /tests/lib.sh

MB=1048576
M=/mnt/famfs
W=/mnt/writer
R=/mnt/reader
arg=${1:-300}
mode=plain
case $arg in
alias-*) mode=alias; arg=${arg#alias-} ;;
esac
DURATION=$arg
REPORTS='WARNING:|BUG[: ]|Oops|general protection|KASAN|possible recursive locking|circular locking|inconsistent lock state|refcount_t|Poison overwritten|Redzone|ODEBUG|kmemleak: [0-9]+ new suspected|unreferenced object|leak detector disabled|suspicious RCU|list_add corruption|list_del corruption|hung_task|blocked for more than'
ERR=/tmp/stress-errors

running() {
	[ "$(date +%s)" -lt "$END" ]
}

# error TEXT: record a failure of a worker (checked at the end).
error() {
	echo "$*" >> $ERR
}

case_setup() {
	modprobe -a libnvdimm nfit nd_pmem $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko ranges=512M@0x80000000
	insmod $MODDIR/dax_blk.ko ranges=64M@0xa0000000
	insmod $MODDIR/famfs_lite.ko
	wait_for_blockdev /dev/pmem0
	# A log large enough for everything the workers do (default: 32752
	# entries).
	mkfs.famfs_lite -l 64M /dev/dax0
	mkdir -p $M $W $R
	mount -t famfs_lite /dev/dax0 $M
	mkdir -p $M/sh/d0 $M/sh/d1
	if [ $mode = alias ]; then
		wait_for_blockdev /dev/pmem1
		[ "$(daxlite-ctl attach namespace0.0)" = dax1 ]
		[ "$(daxlite-ctl attach namespace1.0)" = dax2 ]
		mkfs.famfs_lite /dev/dax2
		mount -t famfs_lite /dev/dax2 $W
		mkdir $W/pub
		mount -t famfs_lite -o ro /dev/dax1 $R
	fi
	: > $ERR
}

# Shared names: files s0..s7 in sh, sh/d0 and sh/d1.
shared_worker() {
	set +e
	_ops=0
	while running; do
		_a=$M/sh/d$((RANDOM % 2))/s$((RANDOM % 8))
		_b=$M/sh/d$((RANDOM % 2))/s$((RANDOM % 8))
		case $((RANDOM % 14)) in
		0) touch $_a ;;
		1) rm -f $_a ;;
		2) mv $_a $_b ;;
		3) mv $_a $M/sh/x$((RANDOM % 4)) && mv $M/sh/x* $_b ;;
		4) chmod $((600 + RANDOM % 77)) $_a ;;
		5) fallocate -l $(((1 + RANDOM % 2) * 2 * MB)) $_a ;;
		6) truncate -s $((RANDOM * 64)) $_a ;;
		7) daxtest write $_a $((RANDOM * 16)) 65536 $RANDOM ;;
		8) daxtest mmap-fill $_a 0 $((2 * MB)) $RANDOM ;;
		9) daxtest mmap-verify $_a 0 $((2 * MB)) 1 ;;
		10) daxtest fault-count $_a 0 $((2 * MB)) ;;
		11) cat $_a > /dev/null ;;
		12) mkdir $M/sh/d$((RANDOM % 2))/sub && rmdir $M/sh/d*/sub ;;
		13) ls -lR $M/sh ;;
		esac > /dev/null 2>&1
		_ops=$((_ops + 1))
	done
	echo "shared worker $1: $_ops operations"
}

# private_worker N DIR: files DIR/pN/fI of seed N*100000+I, recorded in
# /tmp/ledger.N ("fI LEN SEED"); at most 12 kept.
private_worker() {
	set +e
	_d=$2/p$1
	_l=/tmp/ledger.$1
	_i=0
	: > $_l
	mkdir $_d || { error "private $1: mkdir $_d"; return; }
	while running; do
		_i=$((_i + 1))
		_t=$_d/.t$_i
		_len=$(((1 + _i % 2) * 2 * MB))
		_seed=$(($1 * 100000 + _i))
		touch $_t && fallocate -l $_len $_t || { error "private $1: allocate $_t"; continue; }
		if [ $((_i % 2)) = 0 ]; then
			daxtest write $_t 0 $_len $_seed > /dev/null
		else
			daxtest mmap-fill $_t 0 $_len $_seed > /dev/null
		fi || { error "private $1: fill $_t"; continue; }
		mv $_t $_d/f$_i || { error "private $1: rename $_t"; continue; }
		echo "f$_i $_len $_seed" >> $_l
		if [ $_i -gt 12 ]; then
			_old=f$((_i - 12))
			if grep -q "^$_old " $_l; then
				rm $_d/$_old || error "private $1: rm $_old"
				sed -i "/^$_old /d" $_l
			fi
		fi
	done
	echo "private worker $1: $_i files, $(wc -l < $_l) kept"
}

# verify_ledger N DIR: every recorded file of writer N reads back.
verify_ledger() {
	_n=0
	while read -r _f _len _seed; do
		daxtest read-verify $2/p$1/$_f 0 $_len $_seed > /dev/null ||
			die "writer $1: $2/p$1/$_f does not read back"
		_n=$((_n + 1))
	done < /tmp/ledger.$1
	echo "writer $1: $_n files read back"
}

reader_worker() {
	set +e
	_ops=0
	while running; do
		_a=$M/sh/d$((RANDOM % 2))/s$((RANDOM % 8))
		_p=$(ls $M/p$((RANDOM % 2))/f* 2> /dev/null | head -n 1)
		daxtest fault-count $_a 0 $((2 * MB))
		[ -n "$_p" ] && daxtest mmap-cat $_p 0 4096 | head -c 16
		[ -n "$_p" ] && dd if=$_p of=/dev/null bs=1M
		_ops=$((_ops + 1))
	done > /dev/null 2>&1
	echo "reader: $_ops rounds"
}

# The namespace attached as dax1 and detached, while another process opens,
# reads and maps /dev/dax1.
device_worker() {
	set +e
	_att=0 _busy=0
	while running; do
		if [ "$(daxlite-ctl attach namespace0.0 2> /dev/null)" = dax1 ]; then
			_att=$((_att + 1))
		fi
		head -c 4096 /dev/dax1 > /dev/null 2>&1
		for _j in 1 2 3 4 5 6 7 8 9 10; do
			if [ -e /dev/dax1 ] && daxlite-ctl detach dax1 > /dev/null 2> /tmp/detach.err; then
				break
			fi
			grep -q 'busy' /tmp/detach.err && _busy=$((_busy + 1))
		done
	done
	echo "device: $_att attaches, $_busy detaches refused while busy"
}

opener_worker() {
	set +e
	_ops=0
	while running; do
		daxtest mmap-cat /dev/dax1 0 4096 > /dev/null 2>&1
		head -c 65536 /dev/dax1 > /dev/null 2>&1
		_ops=$((_ops + 1))
	done
	echo "opener: $_ops rounds"
}

rmmod_worker() {
	set +e
	_refused=0 _gone=0
	while running; do
		for _m in famfs_lite dax_chardev dax_core; do
			if rmmod $_m > /tmp/rmmod.out 2>&1; then
				error "rmmod $_m succeeded while in use"
				return
			fi
			grep -q 'in use' /tmp/rmmod.out || error "rmmod $_m: $(cat /tmp/rmmod.out)"
			_refused=$((_refused + 1))
		done
		# dax_blk: its disk read now and then.
		[ $((RANDOM % 2)) = 0 ] && dd if=/dev/daxblk0 of=/dev/null bs=1M count=64 2> /dev/null &
		if rmmod dax_blk > /tmp/rmmod.out 2>&1; then
			_gone=$((_gone + 1))
			insmod $MODDIR/dax_blk.ko ranges=64M@0xa0000000 ||
				error "insmod dax_blk again failed"
		else
			grep -q 'in use' /tmp/rmmod.out || error "rmmod dax_blk: $(cat /tmp/rmmod.out)"
		fi
		wait
		sleep 1
	done
	echo "rmmod: $_refused refused, dax_blk unloaded $_gone times"
}

# Alias variant: a publisher on the writer view, a reader remounting the
# other view read-only and verifying every file it sees published.
publisher_worker() {
	set +e
	_i=0
	: > /tmp/published
	while running; do
		_i=$((_i + 1))
		fallocate -l $((2 * MB)) $W/.t$_i && daxtest write $W/.t$_i 0 $((2 * MB)) $_i > /dev/null &&
			mv $W/.t$_i $W/pub/f$_i || { error "publisher: file $_i"; continue; }
		echo $_i >> /tmp/published
		[ $_i -gt 8 ] && rm $W/pub/f$((_i - 8))
	done
	echo "publisher: $_i files"
}

remount_worker() {
	set +e
	_n=0 _seen=0 _gone=0
	while running; do
		mount -o remount,ro $R || { error "remount of the reader failed"; return; }
		_n=$((_n + 1))
		for _f in $R/pub/f*; do
			[ -e "$_f" ] || continue
			_k=${_f##*/f}
			# The writer removes f(K) once f(K+8) is published, and
			# may then reuse its space at once: the reader, which
			# sees the removal only at its next remount, may read
			# someone else's bytes by then (famfs semantics; the
			# README's "publish complete files").  Before that, f(K)
			# must read back whole.
			if daxtest read-verify $_f 0 $((2 * MB)) $_k > /tmp/rv.out 2>&1; then
				_seen=$((_seen + 1))
			elif [ "$(tail -n 1 /tmp/published)" -ge $((_k + 8)) ]; then
				_gone=$((_gone + 1))
			else
				error "reader: $_f, not yet removed: $(cat /tmp/rv.out)"
			fi
		done
	done
	echo "reader: $_n remounts, $_seen files verified, $_gone removed by the writer before they were read"
}

monitor_worker() {
	set +e
	while running; do
		sleep 5
		dmesg -c | grep -E -B5 -A25 "$REPORTS" >> /tmp/reports
	done
	dmesg -c | grep -E -B5 -A25 "$REPORTS" >> /tmp/reports
	true
}

case_stress() {
	END=$(($(date +%s) + DURATION))
	_level=$(cut -f1 /proc/sys/kernel/printk)
	: > /tmp/reports
	dmesg -c > /dev/null
	dmesg -n 1
	pids=
	monitor_worker > /tmp/w.monitor 2>&1 &
	mon=$!
	for i in 0 1 2; do
		shared_worker $i > /tmp/w.shared$i 2>&1 &
		pids="$pids $!"
	done
	for i in 0 1; do
		private_worker $i $M > /tmp/w.private$i 2>&1 &
		pids="$pids $!"
	done
	reader_worker > /tmp/w.reader 2>&1 &
	pids="$pids $!"
	if [ $mode = alias ]; then
		private_worker 2 $W > /tmp/w.private2 2>&1 &
		pids="$pids $!"
		publisher_worker > /tmp/w.publisher 2>&1 &
		pids="$pids $!"
		remount_worker > /tmp/w.remount 2>&1 &
		pids="$pids $!"
	else
		device_worker > /tmp/w.device 2>&1 &
		pids="$pids $!"
		opener_worker > /tmp/w.opener 2>&1 &
		pids="$pids $!"
		daxtest open-loop /dev/dax1 "$DURATION" > /tmp/w.openloop 2>&1 &
		openloop=$!
	fi
	rmmod_worker > /tmp/w.rmmod 2>&1 &
	pids="$pids $!"
	daxstress balloon 50 "$DURATION" > /tmp/w.balloon 2>&1 &
	pids="$pids $!"
	for p in $pids; do
		wait $p || error "worker $p exited with $?"
	done
	if [ $mode = plain ]; then
		wait $openloop || error "open-loop of /dev/dax1: $(cat /tmp/w.openloop)"
	fi
	wait $mon || error "monitor exited with $?"
	dmesg -n "$_level"
	cat /tmp/w.*
	if [ -s /tmp/reports ]; then
		cat /tmp/reports
		die "kernel reports during the stress run"
	fi
	if [ -s $ERR ]; then
		head -n 40 $ERR
		die "$(wc -l < $ERR) worker errors"
	fi
}

case_verify() {
	verify_ledger 0 $M
	verify_ledger 1 $M
	umount $M
	fsck.famfs_lite /dev/dax0 | tail -n 1
	fsck.famfs_lite /dev/dax0 > /dev/null
	mount -t famfs_lite /dev/dax0 $M
	verify_ledger 0 $M
	verify_ledger 1 $M
	umount $M
	if [ $mode = alias ]; then
		verify_ledger 2 $W
		umount $R
		umount $W
		fsck.famfs_lite /dev/dax2 | tail -n 1
		fsck.famfs_lite /dev/dax2 > /dev/null
		fsck.famfs_lite /dev/dax1 > /dev/null
	fi
	rmmod famfs_lite dax_chardev dax_blk dax_core
}

run_case setup case_setup
run_case stress case_stress
run_case verify case_verify
