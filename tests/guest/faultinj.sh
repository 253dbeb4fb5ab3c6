# SPDX-License-Identifier: GPL-2.0-only
# Allocation failures, on the debug kernel (failslab, fail_page_alloc):
# each operation is tried with its 1st, 2nd, 3rd ... allocation failing
# (/proc/thread-self/fail-nth, through daxstress fail-nth), until an
# attempt passes all its allocations without a fault.  Every attempt that
# fails must return an error to the caller and leave things as they were
# (nothing loaded, attached, mounted, created or allocated), and the
# attempt after it must get further; one that absorbs the fault must have
# done its work.  Every allocation of the system call counts, the kernel's
# own (VFS, sysfs, module loader) as well as the modules'.  The suite's
# kmemleak scan (tests/vm/init) then finds any leak of the failed attempts.
#
# The guest boots with memmap=1G$0x80000000 and one NVDIMM of 128 MiB
# (-n FILE:128M).  Every device here lies in one 128 MiB memory section:
# 6.1's memremap_pages() does not remove the sections it added when a
# later one fails (pagemap_range() skips arch_remove_memory() on that
# error), so a failure in the second section of a larger device leaves
# the first behind and every later map of that range fails with EEXIST,
# a kernel defect this suite found, not the modules'.
# A failed page allocation logs a warning with a stack trace: the console
# is kept quiet during the loops, and each attempt's kernel log is checked
# for reports instead (check_log).
. /tests/lib.sh

MB=1048576
M=/mnt/famfs
F=/sys/kernel/debug
NS=/sys/bus/nd/devices/namespace0.0
# No operation here reaches this many allocations.
MAX=20000
# $1 = STRIDE-TAIL: of module loads, whose first points are the module
# loader's, and of the replay, try every STRIDE-th point but the last TAIL
# (default 1-0: all of them).
arg=${1:-1-0}
LOAD_STRIDE=${arg%-*}
LOAD_TAIL=${arg#*-}
STRIDE=1
TAIL=0

case_setup() {
	[ -e /proc/self/fail-nth ] || die "no fail-nth: not a fault-injection kernel"
	for d in failslab fail_page_alloc; do
		echo 0 > $F/$d/verbose
		echo N > $F/$d/ignore-gfp-wait
	done
	echo N > $F/fail_page_alloc/ignore-gfp-highmem
	echo 0 > $F/fail_page_alloc/min-order
	modprobe -a libnvdimm nfit nd_pmem $(famfs_lite_kernel_deps)
	wait_for_blockdev /dev/pmem0
	mkdir -p $M
}

# page_faults on|off: whether page allocations fail too, or only slab
# ones.  Off while memory is hotplugged (devices of the ranges= parameter,
# attach): on 6.1, x86's init_memory_mapping() does not check its
# page-table allocations (alloc_low_page()), and a failed one oopses in
# phys_pmd_init(), a defect of the kernel's, not the modules'.
page_faults() {
	if [ "$1" = on ]; then
		echo 0 > $F/fail_page_alloc/min-order
	else
		echo 11 > $F/fail_page_alloc/min-order
	fi
}

# Reports a failed allocation must never cause; "Call Trace" alone is the
# allocation failure's own warning.
REPORTS='WARNING:|BUG[: ]|Oops|general protection|KASAN|possible recursive locking|circular locking|inconsistent lock state|refcount_t|Poison overwritten|Redzone|ODEBUG|kmemleak: [0-9]+ new suspected|unreferenced object|leak detector disabled|suspicious RCU|list_add corruption|list_del corruption'

# check_log WHAT: the kernel log since the last check has no report.  One
# is the kernel's own and expected: 6.1's add_pages() warns (once a boot)
# when memory hotplug fails, as an allocation in it may here; that
# warning's block is set aside and counted (/tmp/add_pages).
check_log() {
	dmesg -c | set_aside_warning 'arch/x86/mm/init_64\.c:[0-9]+ add_pages' \
		/tmp/add_pages > /tmp/klog
	if grep -E -B5 -A25 "$REPORTS" /tmp/klog > /tmp/report; then
		cat /tmp/report
		die "kernel report during $1"
	fi
}

loaded() {
	grep -q "^$1 " /proc/modules
}

# inject NAME STATE_FAILED STATE_DONE UNDO OP ARGS...: run OP with fault
# N = 1, 2, ... until one attempt reaches no fault.  After an attempt that
# failed, STATE_FAILED must hold; after one that succeeded, STATE_DONE,
# then UNDO runs.
inject() {
	_name=$1 _failed=$2 _done=$3 _undo=$4
	shift 4
	_n=0 _err=0 _ok=0 _tried=0 _sampled=0
	: > /tmp/errnos
	_start=$(date +%s)
	_level=$(cut -f1 /proc/sys/kernel/printk)
	dmesg -c > /dev/null
	dmesg -n 1
	# Sampling (STRIDE > 1): how many points a whole call passes; every
	# STRIDE-th of them is tried but the last TAIL, which all are.
	if [ "$STRIDE" -gt 1 ]; then
		_out=$(daxstress fail-nth $MAX "$@")
		case $_out in
		"injected=0 ret=0 points="*) ;;
		*) die "$_name: a call without a fault: $_out" ;;
		esac
		_sampled=$((${_out##*points=} - TAIL))
		$_done || die "$_name: succeeded, but: $_done"
		$_undo
	fi
	while :; do
		if [ $_n -gt 0 ] && [ $((_n + STRIDE)) -le $_sampled ]; then
			_n=$((_n + STRIDE))
		else
			_n=$((_n + 1))
		fi
		_tried=$((_tried + 1))
		[ $((_tried % 25)) = 0 ] && echo "faultinj: $_name: attempt $_n" > /dev/console
		_out=$(daxstress fail-nth $_n "$@") || die "daxstress failed: $_out"
		case $_out in
		"injected=0 ret=0"*)
			$_done || die "$_name: attempt $_n succeeded, but: $_done"
			check_log "$_name, attempt $_n"
			$_undo
			break
			;;
		"injected=1 ret=0")
			_ok=$((_ok + 1))
			$_done || die "$_name: attempt $_n absorbed the fault, but: $_done"
			$_undo
			;;
		"injected=1 err=EUCLEAN"*)
			die "$_name: attempt $_n: a failed allocation reported as corrupt media (EUCLEAN)"
			;;
		"injected=1 err="*)
			_err=$((_err + 1))
			echo "${_out#*err=}" >> /tmp/errnos
			$_failed || die "$_name: attempt $_n failed (${_out#*err=}), but: $_failed"
			;;
		*)
			die "$_name: attempt $_n: $_out without a fault injected"
			;;
		esac
		check_log "$_name, attempt $_n"
		[ $_n -lt $MAX ] || die "$_name: no success after $MAX attempts"
	done
	dmesg -n "$_level"
	echo "$_name: $((_tried - 1)) faults of $((_n - 1)) points: $_err failed ($(sort /tmp/errnos | uniq -c | tr -s ' \n' ' ')), $_ok absorbed; $(($(date +%s) - _start))s"
	if [ -s /tmp/add_pages ]; then
		echo "$_name: add_pages() warned of a failed hotplug (the kernel's, set aside)"
		: > /tmp/add_pages
	fi
}

# Module loads, without and with devices.
not_loaded_core() { ! loaded dax_core; }
loaded_core() { loaded dax_core; }
rmmod_core() { rmmod dax_core; }
not_loaded_chardev() { ! loaded dax_chardev && [ ! -e /dev/dax0 ]; }
loaded_chardev() { loaded dax_chardev; }
loaded_chardev_dev() { loaded dax_chardev && [ -c /dev/dax0 ]; }
rmmod_chardev() { rmmod dax_chardev; }
not_loaded_blk() { ! loaded dax_blk && [ ! -e /dev/daxblk0 ]; }
loaded_blk() { loaded dax_blk; }
loaded_blk_dev() { loaded dax_blk && wait_for_blockdev /dev/daxblk0; }
rmmod_blk() { rmmod dax_blk; }
not_loaded_famfs() { ! loaded famfs_lite && ! grep -qw famfs_lite /proc/filesystems; }
loaded_famfs() { loaded famfs_lite && grep -qw famfs_lite /proc/filesystems; }
rmmod_famfs() { rmmod famfs_lite; }

case_load() {
	STRIDE=$LOAD_STRIDE
	TAIL=$LOAD_TAIL
	inject load-dax_core not_loaded_core loaded_core rmmod_core \
		load $MODDIR/dax_core.ko
	insmod $MODDIR/dax_core.ko
	inject load-dax_chardev not_loaded_chardev loaded_chardev rmmod_chardev \
		load $MODDIR/dax_chardev.ko
	page_faults off
	inject load-dax_chardev-with-devices not_loaded_chardev loaded_chardev_dev \
		rmmod_chardev load $MODDIR/dax_chardev.ko ranges=64M@0x80000000,64M@0x84000000
	page_faults on
	inject load-dax_blk not_loaded_blk loaded_blk rmmod_blk \
		load $MODDIR/dax_blk.ko
	page_faults off
	inject load-dax_blk-with-devices not_loaded_blk loaded_blk_dev rmmod_blk \
		load $MODDIR/dax_blk.ko ranges=64M@0xa0000000,64M@0xa4000000
	page_faults on
	inject load-famfs_lite not_loaded_famfs loaded_famfs rmmod_famfs \
		load $MODDIR/famfs_lite.ko
	rmmod dax_core
}

# Attaching the NVDIMM's raw namespace, to dax_chardev then to dax_blk.
not_attached() { [ ! -e /dev/dax0 ] && [ ! -e /dev/daxblk0 ] && [ -z "$(driver_of $NS)" ]; }
attached_chardev() { [ -c /dev/dax0 ] && [ "$(driver_of $NS)" = dax_chardev ]; }
detach_chardev() { echo dax0 > /sys/class/dax_chardev/detach; }
attached_blk() { wait_for_blockdev /dev/daxblk0 && [ "$(driver_of $NS)" = dax_blk ]; }
detach_blk() { echo daxblk0 > /sys/bus/nd/drivers/dax_blk/detach; }

case_attach() {
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/dax_blk.ko
	echo namespace0.0 > /sys/bus/nd/drivers/nd_pmem/unbind
	page_faults off
	inject attach-dax_chardev not_attached attached_chardev detach_chardev \
		write /sys/class/dax_chardev/attach namespace0.0
	inject attach-dax_blk not_attached attached_blk detach_blk \
		write /sys/bus/nd/drivers/dax_blk/attach namespace0.0
	page_faults on
	rmmod dax_blk
	echo namespace0.0 > /sys/class/dax_chardev/attach
	[ -c /dev/dax0 ]
}

# Mount of a new file system, then the namespace operations on it.
not_mounted() { ! grep -q " $M " /proc/mounts; }
mounted() { grep -q "^/dev/dax0 $M famfs_lite rw" /proc/mounts; }
do_umount() { umount $M; }
no_new() { [ ! -e $M/new ]; }
no_dir() { [ ! -e $M/d ]; }
is_new() { [ -f $M/new ]; }
rm_new() { rm $M/new; }
is_dir() { [ -d $M/d ]; }
rmdir_d() { rmdir $M/d; }
not_renamed() { [ -f $M/new ] && [ ! -e $M/d/new ]; }
renamed() { [ -f $M/d/new ] && [ ! -e $M/new ]; }
rename_back() { mv $M/d/new $M/new; }
not_allocated() { [ "$(stat -c %s $M/a)" = 0 ] && [ "$(df -k $M | awk 'NR == 2 { print $3 }')" = "$used" ]; }
allocated() { [ "$(stat -c %s $M/a)" = $((4 * MB)) ]; }
realloc() { rm $M/a && touch $M/a; }

case_mount_and_metadata() {
	insmod $MODDIR/famfs_lite.ko
	mkfs.famfs_lite /dev/dax0
	inject mount-new not_mounted mounted do_umount \
		mount /dev/dax0 $M famfs_lite
	mount -t famfs_lite /dev/dax0 $M
	inject create no_new is_new rm_new create $M/new
	inject mkdir no_dir is_dir rmdir_d mkdir $M/d
	mkdir $M/d
	touch $M/new
	inject rename not_renamed renamed rename_back rename $M/new $M/d/new
	touch $M/a
	used=$(df -k $M | awk 'NR == 2 { print $3 }')
	inject fallocate not_allocated allocated realloc fallocate $M/a $((4 * MB))
	umount $M
	fsck.famfs_lite /dev/dax0 | grep 'clean: 2 files, 1 directories'
}

# A log of a few hundred entries, replayed at each mount.
replayed() { mounted && [ "$(ls $M/r | wc -l)" = 100 ] && [ "$(stat -c %s $M/r/f7)" = $((2 * MB)) ]; }

case_replay() {
	mkfs.famfs_lite -f /dev/dax0
	mount -t famfs_lite /dev/dax0 $M
	mkdir $M/r $M/s
	daxtest mkfiles $M/s 100
	for i in $(seq 0 99); do
		chmod 600 $M/s/f$i
		mv $M/s/f$i $M/r/f$i
	done
	for i in $(seq 0 9); do
		fallocate -l $((2 * MB)) $M/r/f$i
	done
	# small files: their replay makes shared units (an allocation each)
	for i in $(seq 10 14); do
		fallocate -l 4096 $M/r/f$i
	done
	rmdir $M/s
	umount $M
	fsck.famfs_lite -v /dev/dax0 | tail -n 1
	STRIDE=$LOAD_STRIDE
	TAIL=$LOAD_TAIL
	inject replay not_mounted replayed do_umount \
		mount /dev/dax0 $M famfs_lite
	STRIDE=1
	TAIL=0
	fsck.famfs_lite /dev/dax0 | grep 'clean: 100 files, 1 directories'
	rmmod famfs_lite dax_chardev dax_core
}

# The leaks of the failed attempts, as kmemleak finds them (two scans: it
# reports an object unreferenced over one).  One is the kernel's own:
# 6.1's __class_register() frees the class it failed to register, when
# kset_register() fails, but not the class's name, which an allocation
# failing in a load of dax_chardev (whose class it registers) can reach.
# That object, a name kstrdup()'d under kobject_set_name() under
# __class_register(), is set aside and counted; any other fails.  Then
# kmemleak forgets what it reported (echo clear), so the suite's last scan
# (tests/vm/init) sees only what comes after.
KMEMLEAK=/sys/kernel/debug/kmemleak
case_leaks() {
	[ -e $KMEMLEAK ] || die "no kmemleak: this suite is for the debug kernel"
	check_log "the attempts"
	_level=$(cut -f1 /proc/sys/kernel/printk)
	dmesg -n 1
	echo scan > $KMEMLEAK
	sleep 6
	echo scan > $KMEMLEAK
	cat $KMEMLEAK > /tmp/leaks
	dmesg -c > /tmp/klog.all
	grep -vE 'kmemleak: [0-9]+ new suspected memory leaks' /tmp/klog.all > /tmp/klog || :
	dmesg -n "$_level"
	if grep -E -B5 -A25 "$REPORTS" /tmp/klog; then
		die "kernel report during the scan"
	fi
	awk '
		function done_blk() {
			if (blk == "")
				return
			if (blk ~ /\(size 16\)/ && blk ~ /kobject_set_name/ &&
			    blk ~ /__class_register/)
				kernel++
			else
				printf "%s", blk
			blk = ""
		}
		/^unreferenced object/ { done_blk() }
		{ blk = blk $0 "\n" }
		END { done_blk(); print kernel + 0 > "/tmp/leaks.kernel" }
	' /tmp/leaks > /tmp/leaks.ours
	# (worded apart from kmemleak's own lines, which the host looks for)
	echo "leaked objects reported: $(grep -c '^unreferenced object' /tmp/leaks);" \
		"$(cat /tmp/leaks.kernel) of them class names 6.1's __class_register() leaked (the kernel's, set aside)"
	if [ -s /tmp/leaks.ours ]; then
		sed 's/^/    leak: /' /tmp/leaks.ours
		die "objects leaked by the failed attempts"
	fi
	echo clear > $KMEMLEAK
}

run_case setup case_setup
run_case attach-fails-cleanly case_attach
run_case mount-and-metadata-fail-cleanly case_mount_and_metadata
run_case replay-fails-cleanly case_replay
run_case load-fails-cleanly case_load
run_case no-leaks-of-failed-attempts case_leaks
