# SPDX-License-Identifier: GPL-2.0-only
# A devdax namespace's /dev/dax0.0 (device_dax) taken over by dax_chardev
# and served as /dev/daxN with dax_operations, so famfs_lite runs on it;
# detaching gives it back to device_dax.
. /tests/lib.sh

MB=1048576
DAXDEV=/sys/bus/dax/devices/dax0.0

# dax_core takes dax bus devices over only on kernels whose dax bus
# layouts it has verified; then dax_chardev has a driver on the dax bus.
takeover_built() {
	[ -d /sys/bus/dax/drivers/dax_chardev ]
}

# The kernel series whose layouts dax_core carries (dax_core/Kbuild).
takeover_expected() {
	case $(uname -r) in
	6.1.* | 6.12.* | 7.3.*) return 0 ;;
	esac
	return 1
}

case_make_devdax_namespace() {
	modprobe -a nfit nd_pmem dax_pmem device_dax $(famfs_lite_kernel_deps)
	insmod $MODDIR/dax_core.ko devdax_takeover=1
	insmod $MODDIR/dax_chardev.ko
	insmod $MODDIR/famfs_lite.ko
	nvdimm_labels_reset
	ndctl create-namespace -m devdax -s 256M | tee /tmp/ns.json
	grep -q '"chardev":"dax0.0"' /tmp/ns.json
	[ -c /dev/dax0.0 ] && [ "$(driver_of $DAXDEV)" = device_dax ]
	# dax_chardev took nothing on its own, and cannot be unbound by sysfs.
	[ ! -e /dev/dax0 ]
	if takeover_expected; then
		takeover_built || die "no dax bus driver on $(uname -r), whose layouts were verified"
	else
		! takeover_built || die "a dax bus driver on $(uname -r), whose layouts were not verified"
	fi
	if takeover_built; then
		[ -e /sys/bus/dax/drivers/dax_chardev/new_id ]
		[ ! -e /sys/bus/dax/drivers/dax_chardev/unbind ] || die "sysfs unbind is not suppressed"
	fi
	daxtest mmap-fill /dev/dax0.0 0 $((8 * MB)) 77
	daxlite-ctl list | tee /tmp/list.json
	grep -q '"dev":"dax0.0","size":[0-9]*,"driver":"device_dax"' /tmp/list.json
}

# Takeover reads private kernel structures: off unless asked for.
case_takeover_off_by_default() {
	echo 0 > /sys/module/dax_core/parameters/devdax_takeover
	expect_fail_errno 'not permitted' sh -c 'echo dax0.0 > /sys/class/dax_chardev/attach'
	expect_dmesg 'dax0.0: devdax takeover is off'
	[ "$(driver_of $DAXDEV)" = device_dax ]
	echo 1 > /sys/module/dax_core/parameters/devdax_takeover
}

case_attach_refused_while_mapped() {
	daxtest mmap-wait /dev/dax0.0 30 > /tmp/wait.out &
	pid=$!
	wait_for_line /tmp/wait.out mapped
	expect_fail_errno 'busy' sh -c 'echo dax0.0 > /sys/class/dax_chardev/attach'
	expect_dmesg 'dax0.0: is mapped through /dev/dax0.0; unmap it first'
	kill $pid
	wait $pid || true
	[ "$(driver_of $DAXDEV)" = device_dax ]
}

case_attach() {
	[ "$(daxlite-ctl attach dax0.0)" = dax0 ]
	[ -c /dev/dax0 ] && [ "$(driver_of $DAXDEV)" = dax_chardev ]
	expect_dmesg 'dax0.0: attached as dax0'
	s=/sys/class/dax_chardev/dax0
	[ "$(basename "$(readlink $s/device)")" = dax0.0 ]
	[ "$(cat $s/backing)" = persistent ]
	# The same memory as dax0.0, from its first byte.
	res=$(cat $DAXDEV/resource)
	[ $(($(cat $s/start))) = $((res)) ] || die "start $(cat $s/start), dax0.0 at $res"
	size=$(cat $s/size)
	[ "$size" = $(($(cat $DAXDEV/size) / (2 * MB) * 2 * MB)) ] || die "size $size"
	daxtest read-verify /dev/dax0 0 $((8 * MB)) 77
	# device_dax's node is dead while dax_chardev serves the memory.
	expect_fail_errno 'No such device' sh -c 'cat /dev/dax0.0 > /dev/null'
	daxlite-ctl list | tee /tmp/list.json
	grep -q '"dev":"dax0",.*"namespace":null,"dax_device":"dax0.0"' /tmp/list.json
	grep -q '"dev":"dax0.0","size":[0-9]*,"driver":"dax_chardev"' /tmp/list.json
}

case_refusals() {
	expect_fail_errno 'busy' sh -c 'echo dax0.0 > /sys/class/dax_chardev/attach'
	expect_dmesg 'dax0.0: is bound to dax_chardev; only a device of device_dax can be attached'
	expect_fail_errno 'busy' sh -c 'echo /dev/dax0.0 > /sys/class/dax_chardev/attach'
	expect_fail_errno 'No such file' sh -c 'echo dax9.9 > /sys/class/dax_chardev/attach'
	expect_dmesg "attach: 'dax9.9' is no NVDIMM namespace, dax device nor a block device"
	expect_fail_errno 'No such device' sh -c 'echo dax9 > /sys/class/dax_chardev/detach'
}

case_famfs_lite_on_devdax() {
	famfs_lite_pmd_roundtrip /dev/dax0 78
}

case_detach_gives_it_back() {
	expect_fail_errno 'busy' sh -c 'echo dax0 > /sys/class/dax_chardev/detach'
	expect_dmesg 'dax_chardev: detach: dax0 is open, mapped or mounted'
	umount /mnt/famfs
	[ "$(daxlite-ctl detach dax0)" = dax0.0 ]
	[ ! -e /dev/dax0 ] && [ "$(driver_of $DAXDEV)" = device_dax ]
	expect_dmesg 'dax0.0: given back to device_dax'
	# famfs_lite's superblock, read through device_dax's own mapping.
	[ "$(daxtest mmap-cat /dev/dax0.0 0 $((2 * MB)) | head -c 8)" = FAMFSLT1 ] ||
		die "device_dax does not show the superblock"
}

# The bus's own route is refused: dax_chardev takes only what it is asked
# to attach.  A device left unbound can then be attached.
case_new_id_refused_then_attach_unbound() {
	echo dax0.0 > /sys/bus/dax/drivers/device_dax/unbind
	echo dax0.0 > /sys/bus/dax/drivers/dax_chardev/new_id
	expect_dmesg 'dax0.0: dax_chardev takes a dax device only through its attach file'
	[ -z "$(driver_of $DAXDEV)" ] && [ ! -e /dev/dax0 ]
	echo dax0.0 > /sys/bus/dax/drivers/dax_chardev/remove_id
	echo /dev/dax0.0 > /sys/class/dax_chardev/attach
	[ -c /dev/dax0 ] && [ "$(driver_of $DAXDEV)" = dax_chardev ]
	fsck.famfs_lite /dev/dax0 | grep 'clean: 1 files'
}

# ndctl disable-namespace deletes dax0.0 under the mount: the removal
# waits for the unmount instead of pulling the memory away.
case_namespace_disabled_while_mounted() {
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	ndctl disable-namespace namespace0.0 > /tmp/disable.out 2>&1 &
	pid=$!
	# The removal says it waits (up to 120 s for a KASAN guest), and waits.
	for i in $(seq 1200); do
		dmesg_new | grep -q 'dax0.0: is going away while dax0 is in use' && break
		kill -0 $pid 2> /dev/null || break
		sleep 0.1
	done
	kill -0 $pid || { cat /tmp/disable.out; die "disable-namespace did not wait"; }
	expect_dmesg 'dax0.0: is going away while dax0 is in use; waiting until it is closed, unmapped and unmounted'
	daxtest read-verify /mnt/famfs/f 0 $((64 * MB)) 78
	umount /mnt/famfs
	wait $pid || { cat /tmp/disable.out; die "disable-namespace failed"; }
	cat /tmp/disable.out
	expect_dmesg 'dax0.0: dax0 is no longer in use'
	[ ! -e /dev/dax0 ] && [ ! -e $DAXDEV ]
	ndctl enable-namespace namespace0.0
	[ "$(driver_of $DAXDEV)" = device_dax ]
}

case_unload_gives_it_back() {
	[ "$(daxlite-ctl attach /dev/dax0.0)" = dax0 ]
	fsck.famfs_lite /dev/dax0 | grep 'clean: 1 files'
	rmmod famfs_lite dax_chardev
	[ "$(driver_of $DAXDEV)" = device_dax ] && [ -c /dev/dax0.0 ]
	expect_dmesg 'dax0.0: given back to device_dax'
	rmmod dax_core
}

# Elsewhere an attach of a dax bus device is refused, saying why, and the
# device stays with device_dax.
case_takeover_not_verified() {
	expect_fail_errno 'not supported' sh -c 'echo dax0.0 > /sys/class/dax_chardev/attach'
	expect_dmesg 'attach: dax0.0 is a dax bus device; devdax takeover is not verified for this kernel'
	expect_fail_errno 'not supported' sh -c 'echo /dev/dax0.0 > /sys/class/dax_chardev/attach'
	[ "$(driver_of $DAXDEV)" = device_dax ] && [ ! -e /dev/dax0 ]
	daxtest mmap-fill /dev/dax0.0 0 $((8 * MB)) 78
	rmmod famfs_lite dax_chardev dax_core
}

run_case make-devdax-namespace case_make_devdax_namespace
if ! takeover_built; then
	run_case takeover-not-verified case_takeover_not_verified
	exit 0
fi
run_case takeover-off-by-default case_takeover_off_by_default
run_case attach-refused-while-mapped case_attach_refused_while_mapped
run_case attach-devdax case_attach
run_case attach-refusals case_refusals
run_case famfs_lite-on-devdax case_famfs_lite_on_devdax
run_case detach-gives-it-back-to-device_dax case_detach_gives_it_back
run_case new_id-refused-then-attach-unbound case_new_id_refused_then_attach_unbound
run_case namespace-disabled-while-mounted-waits case_namespace_disabled_while_mounted
run_case unload-gives-it-back case_unload_gives_it_back
