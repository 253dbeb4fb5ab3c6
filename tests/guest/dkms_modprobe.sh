# SPDX-License-Identifier: GPL-2.0-only
# The modules DKMS built from the Debian package daxlite-dkms in the
# kernel's build root (tests/dkms-test.sh), and the tools of
# daxlite-tools (run-guest.sh -U puts them in /sbin), installed where
# DKMS installs them, used the way an installed system uses them: depmod,
# modprobe with options from /etc/modprobe.d, and mount autoloading the
# file system.  No insmod.  The guest boots with memmap=1G$0x80000000.
. /tests/lib.sh

KREL=$(uname -r)

case_depmod_finds_them() {
	ls -l /lib/modules/$KREL/updates/dkms
	depmod -a
	# DKMS compresses them as the kernel's own modules are (.ko.xz from 6.12).
	for m in dax_core dax_blk dax_chardev famfs_lite; do
		case $(modinfo -n $m) in
		/lib/modules/$KREL/updates/dkms/$m.ko | /lib/modules/$KREL/updates/dkms/$m.ko.xz) ;;
		*) die "modinfo -n $m: $(modinfo -n $m)" ;;
		esac
	done
}

case_modprobe_pulls_in_dependencies() {
	mkdir -p /etc/modprobe.d
	echo 'options dax_chardev ranges=256M@0x80000000' > /etc/modprobe.d/daxlite.conf
	modprobe famfs_lite
	# What famfs_lite depends on differs by kernel (libcrc32c until 6.13;
	# built into the debug kernel, where modinfo lists no such module).
	for m in $(modinfo -F depends famfs_lite | tr , ' ') dax_core dax_chardev famfs_lite; do
		grep -q "^$m " /proc/modules || die "$m not loaded"
	done
	[ -c /dev/dax0 ] || die "no /dev/dax0: options from modprobe.d not applied"
	grep -qw famfs_lite /proc/filesystems
}

case_mount_autoloads_the_file_system() {
	mkfs.famfs_lite /dev/dax0
	modprobe -r famfs_lite
	! grep -q '^famfs_lite ' /proc/modules || die "famfs_lite still loaded"
	mkdir -p /mnt/famfs
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	grep -q '^famfs_lite ' /proc/modules
	truncate -s 4M /mnt/famfs/f
	daxtest write /mnt/famfs/f 0 4194304 71
	umount /mnt/famfs
	mount -t famfs_lite /dev/dax0 /mnt/famfs
	daxtest read-verify /mnt/famfs/f 0 4194304 71
	umount /mnt/famfs
	fsck.famfs_lite /dev/dax0
}

case_modprobe_remove() {
	modprobe -r famfs_lite dax_chardev
	for m in famfs_lite dax_chardev dax_core; do
		! grep -q "^$m " /proc/modules || die "$m still loaded"
	done
	modprobe dax_blk ranges=64M@0xa0000000
	[ -b /dev/daxblk0 ]
	modprobe -r dax_blk
}

run_case depmod-finds-dkms-modules case_depmod_finds_them
run_case modprobe-pulls-in-dependencies case_modprobe_pulls_in_dependencies
run_case mount-autoloads-the-file-system case_mount_autoloads_the_file_system
run_case modprobe-remove case_modprobe_remove
