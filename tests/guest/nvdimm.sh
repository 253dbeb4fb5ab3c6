# SPDX-License-Identifier: GPL-2.0-only
# NVDIMM namespaces served by dax_chardev: QEMU gives the guest a 512 MiB
# NVDIMM whose fresh backing file has no labels, so the kernel shows one
# raw namespace0.0, which nd_pmem binds as /dev/pmem0.
. /tests/lib.sh

case_load() {
	modprobe -a nfit nd_pmem $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/dax_blk.ko
	insmod $MODDIR/famfs_lite.ko
	wait_for_blockdev /dev/pmem0
	ndctl list -N
	[ "$(driver_of /sys/bus/nd/devices/namespace0.0)" = nd_pmem ]
	# Neither driver took the namespace on its own.
	! ls /dev/dax[0-9]* /dev/daxblk* 2> /dev/null
}

case_attach_refused_while_bound() {
	expect_fail_errno 'busy' sh -c 'echo namespace0.0 > /sys/class/dax_chardev/attach'
	expect_dmesg 'dax_chardev: attach: namespace0.0 is bound to nd_pmem; unbind it first'
	# Not a namespace, so dax_chardev takes it for a block device path.
	expect_fail_errno 'No such file' sh -c 'echo namespace9.9 > /sys/class/dax_chardev/attach'
	expect_fail_errno 'No such device' sh -c 'echo namespace9.9 > /sys/bus/nd/drivers/dax_blk/attach'
	[ ! -e /sys/bus/nd/drivers/dax_chardev/bind ] || die "sysfs bind is not suppressed"
	[ ! -e /sys/bus/nd/drivers/dax_blk/unbind ] || die "sysfs unbind is not suppressed"
	expect_fail_errno 'busy' sh -c 'echo namespace0.0 > /sys/bus/nd/drivers/dax_blk/attach'
}

# dax_blk on the namespace: ext4 with DAX, detach refused while mounted.
case_block_on_the_namespace() {
	[ "$(daxlite-ctl attach --block namespace0.0)" = daxblk0 ]
	[ "$(cat /sys/block/daxblk0/queue/dax)" = 1 ]
	daxlite-ctl list | grep -q '"dev":"daxblk0",.*"dax":1,"namespace":"namespace0.0"'
	mkfs.ext4 -q -F -b 4096 /dev/daxblk0
	mkdir -p /mnt/ext4
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	daxtest mmap-fill /mnt/ext4/f 0 8388608 85
	daxtest statx-dax /mnt/ext4/f
	expect_fail_errno 'busy' sh -c 'echo daxblk0 > /sys/bus/nd/drivers/dax_blk/detach'
	expect_dmesg 'dax_blk: detach: daxblk0 is open, mapped or mounted'
	umount /mnt/ext4
	[ "$(daxlite-ctl detach daxblk0)" = namespace0.0 ]
	[ ! -e /dev/daxblk0 ]
	wait_for_blockdev /dev/pmem0
	mount -t ext4 /dev/pmem0 /mnt/ext4
	daxtest read-verify /mnt/ext4/f 0 8388608 85
	umount /mnt/ext4
}

case_attach() {
	echo namespace0.0 > /sys/bus/nd/drivers/nd_pmem/unbind
	echo namespace0.0 > /sys/class/dax_chardev/attach
	[ -c /dev/dax0 ] && [ ! -e /dev/pmem0 ]
	s=/sys/class/dax_chardev/dax0
	[ "$(cat $s/backing)" = persistent ]
	[ "$(basename "$(readlink $s/device)")" = namespace0.0 ]
	size=$(cat $s/size)
	[ $((size % 2097152)) = 0 ] && [ "$size" -ge $((500 * 1048576)) ]
	expect_dmesg 'namespace0.0: attached as dax0'
	daxlite-ctl list | tee /tmp/list.json
	grep -q '"dev":"namespace0.0","mode":"raw",.*"driver":"dax_chardev"' /tmp/list.json
	grep -q '"dev":"dax0",.*"backing":"persistent","namespace":"namespace0.0"' /tmp/list.json
}

case_famfs_lite_on_the_namespace() {
	mkfs.famfs_lite /dev/dax0
	mkdir -p /mnt/famfs
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	fallocate -l 64M /mnt/famfs/f
	daxtest mmap-fill /mnt/famfs/f 0 67108864 81
	out=$(daxtest fault-count /mnt/famfs/f 0 67108864)
	echo "$out"
	n=${out##*faults=}
	[ "${n%% *}" -le 40 ] || die "no PMD faults on the namespace"
}

# nvdimm_flush calls since the last reset, counted by a kprobe.
nvflush_count() {
	grep -c 'daxl_nvflush:' /sys/kernel/tracing/trace || true
}

# Metadata commits and fsync reach the NVDIMM region's flush (flush hints,
# nvdimm_flush()), as pmem's REQ_PREFLUSH does, not only the CPU's fence.
case_commits_flush_the_nvdimm() {
	t=/sys/kernel/tracing
	[ -e $t/kprobe_events ] || mount -t tracefs nodev $t
	echo 'p:daxl_nvflush nvdimm_flush' >> $t/kprobe_events
	echo 1 > $t/events/kprobes/daxl_nvflush/enable
	echo > $t/trace
	touch /mnt/famfs/flushed
	n=$(nvflush_count)
	echo "create: $n flushes"
	[ "$n" -ge 1 ] || die "a create did not flush the NVDIMM"
	fallocate -l 2M /mnt/famfs/flushed
	echo > $t/trace
	daxtest write /mnt/famfs/flushed 0 4096 82
	n=$(nvflush_count)
	echo "write and fsync: $n flushes"
	[ "$n" -ge 1 ] || die "fsync did not flush the NVDIMM"
	echo 0 > $t/events/kprobes/daxl_nvflush/enable
	echo '-:daxl_nvflush' >> $t/kprobe_events
}

case_detach_refused_while_busy() {
	expect_fail_errno 'busy' sh -c 'echo dax0 > /sys/class/dax_chardev/detach'
	expect_dmesg 'dax_chardev: detach: dax0 is open, mapped or mounted'
	umount /mnt/famfs
	exec 3< /dev/dax0
	expect_fail_errno 'busy' sh -c 'echo dax0 > /sys/class/dax_chardev/detach'
	exec 3<&-
	[ -c /dev/dax0 ]
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	daxtest mmap-verify /mnt/famfs/f 0 67108864 81
	umount /mnt/famfs
}

case_detach_gives_it_back() {
	[ "$(daxlite-ctl detach dax0)" = namespace0.0 ]
	[ ! -e /dev/dax0 ]
	wait_for_blockdev /dev/pmem0
	[ "$(driver_of /sys/bus/nd/devices/namespace0.0)" = nd_pmem ]
	# The data went through nd_pmem's raw namespace too: same bytes.
	fsck.famfs_lite /dev/pmem0 | grep 'clean: 2 files'
}

case_tool_attach_again() {
	[ "$(daxlite-ctl attach namespace0.0)" = dax0 ]
	fsck.famfs_lite /dev/dax0 | grep 'clean: 2 files'
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	daxtest read-verify /mnt/famfs/f 0 67108864 81
	expect_fail_errno 'in use' rmmod dax_chardev
	umount /mnt/famfs
	# Unloading detaches the idle namespace.
	rmmod famfs_lite dax_chardev dax_blk dax_core
	[ ! -e /dev/dax0 ]
	echo namespace0.0 > /sys/bus/nd/drivers/nd_pmem/bind
	[ "$(driver_of /sys/bus/nd/devices/namespace0.0)" = nd_pmem ]
}

# Unbinding the region deletes the namespace under the mount (ndctl
# disable-region declines while the namespace is active, the kernel does
# not): the removal waits for the unmount instead of pulling the memory
# away.
case_region_unbound_while_mounted() {
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_blk.ko
	[ "$(daxlite-ctl attach --block namespace0.0)" = daxblk0 ]
	mkfs.ext4 -q -F -b 4096 /dev/daxblk0
	mount -t ext4 -o dax /dev/daxblk0 /mnt/ext4
	daxtest mmap-fill /mnt/ext4/f 0 8388608 86
	sh -c 'echo region0 > /sys/bus/nd/drivers/nd_region/unbind' > /tmp/disable.out 2>&1 &
	pid=$!
	sleep 3
	kill -0 $pid || { cat /tmp/disable.out; die "the unbind did not wait"; }
	expect_dmesg 'namespace0.0: is going away while daxblk0 is in use; waiting until it is closed, unmapped and unmounted'
	daxtest read-verify /mnt/ext4/f 0 8388608 86
	umount /mnt/ext4
	wait $pid || { cat /tmp/disable.out; die "the unbind failed"; }
	expect_dmesg 'namespace0.0: daxblk0 is no longer in use'
	[ ! -e /dev/daxblk0 ] && [ ! -e /sys/bus/nd/devices/namespace0.0 ]
	ndctl enable-region region0
	wait_for_blockdev /dev/pmem0
	rmmod dax_blk dax_core
}

# unbind_region0_bg: unbind region0 in the background (pid in $pid), not
# inheriting the shell's open files, and check that it waits for dax0.
unbind_region0_bg() {
	dmesg_mark
	sh -c 'echo region0 > /sys/bus/nd/drivers/nd_region/unbind' > /tmp/disable.out 2>&1 3<&- &
	pid=$!
	sleep 2
	kill -0 $pid || { cat /tmp/disable.out; die "the unbind did not wait"; }
	expect_dmesg 'namespace0.0: is going away while dax0 is in use; waiting until it is closed, unmapped and unmounted'
}

# still_waits WHAT: the unbind is still waiting, for WHAT.
still_waits() {
	sleep 1
	kill -0 $pid || die "the unbind did not wait for $1"
}

# unbind_ends: the unbind returns within about a second, the device and
# the namespace are gone; then the region is enabled again.
unbind_ends() {
	for _i in $(seq 10); do
		kill -0 $pid 2> /dev/null || break
		sleep 0.1
	done
	! kill -0 $pid 2> /dev/null || die "the unbind still waits after the last user"
	wait $pid || { cat /tmp/disable.out; die "the unbind failed"; }
	expect_dmesg 'namespace0.0: dax0 is no longer in use'
	[ ! -e /dev/dax0 ] && [ ! -e /sys/bus/nd/devices/namespace0.0 ]
	ndctl enable-region region0
	wait_for_blockdev /dev/pmem0
}

# The same with /dev/dax0: a holder (famfs_lite), a raw mapping and an open
# file each keep the removal waiting, and it ends promptly once the last
# goes, be it the open file or the holder.  A wake-up missing for the last
# one hangs the guest.
case_region_unbound_while_open_waits() {
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/famfs_lite.ko
	attach_dax0
	mkfs.famfs_lite /dev/dax0
	mkdir -p /mnt/famfs
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	exec 3< /dev/dax0
	unbind_region0_bg
	umount /mnt/famfs
	still_waits "the open file"
	daxtest mmap-wait /dev/dax0 2 > /tmp/wait.out 3<&- &
	wait_for_line /tmp/wait.out mapped
	wait $!
	still_waits "the open file, after the mapping"
	exec 3<&-
	unbind_ends

	# The holder last.
	attach_dax0
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	unbind_region0_bg
	umount /mnt/famfs
	unbind_ends
	rmmod famfs_lite dax_chardev dax_core
}

# attach_dax0: attach namespace0.0 to dax_chardev as dax0, retrying while
# nd_pmem may still be taking it back after a detach.
attach_dax0() {
	for _i in $(seq 50); do
		[ "$(daxlite-ctl attach namespace0.0 2> /dev/null)" = dax0 ] && return 0
		sleep 0.1
	done
	die "cannot attach namespace0.0 again"
}

# Opens of /dev/dax0 race its detach for a minute: every open either
# succeeds on a live device or fails with ENXIO (the device is dying or
# gone) or ENOENT (the node is gone), and the kernel log stays clean.  Run
# with slub_debug=FZPU, so a use of the freed device is poisoned and
# reported.  Each refused detach logs a line: the console is kept quiet
# (console_quiet), and the check reads the log.
case_open_races_detach() {
	insmod $MODDIR/dax_core.ko
	insmod $MODDIR/dax_chardev.ko
	attach_dax0
	daxtest open-loop /dev/dax0 60 > /tmp/opens.out 2>&1 &
	pid=$!
	console_quiet
	detached=0
	while kill -0 $pid 2> /dev/null; do
		if echo dax0 > /sys/class/dax_chardev/detach 2> /dev/null; then
			detached=$((detached + 1))
			attach_dax0
		fi
	done
	console_restore
	wait $pid || { cat /tmp/opens.out; die "open failed otherwise"; }
	cat /tmp/opens.out
	echo "detached=$detached"
	[ "$detached" -ge 5 ] || die "too few detaches"
	opened=$(sed -n 's/^opened=\([0-9]*\) .*/\1/p' /tmp/opens.out)
	[ "$opened" -ge 100 ] || die "too few opens"
	[ "$(daxlite-ctl detach dax0)" = namespace0.0 ]
	rmmod dax_chardev dax_core
	wait_for_blockdev /dev/pmem0
	dmesg -c > /dev/null
}

run_case load-leaves-namespaces-alone case_load
run_case attach-refused-while-bound case_attach_refused_while_bound
run_case block-device-on-the-namespace case_block_on_the_namespace
run_case attach-raw-namespace case_attach
run_case famfs_lite-on-the-namespace case_famfs_lite_on_the_namespace
run_case commits-flush-the-nvdimm case_commits_flush_the_nvdimm
run_case detach-refused-while-busy case_detach_refused_while_busy
run_case detach-gives-it-back case_detach_gives_it_back
run_case tool-attach-again-and-unload case_tool_attach_again
run_case region-unbound-while-mounted-waits case_region_unbound_while_mounted
run_case region-unbound-while-open-waits case_region_unbound_while_open_waits
run_case open-races-detach case_open_races_detach
