#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Print the QEMU accelerator to use: "kvm" only where a quick probe boot
# proves it runs the stock kernel at speed, else "tcg".  Some /dev/kvm
# implementations run only specially built guest kernels and crawl on a
# stock one, so the device existing proves nothing.  DAXLITE_ACCEL=tcg or
# kvm overrides; the probe's answer is cached per machine and kernel.
#   pick-accel.sh KERNEL_DIR BASE_INITRAMFS
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

case ${DAXLITE_ACCEL:-auto} in
tcg | kvm) echo "$DAXLITE_ACCEL"; exit 0 ;;
esac
if [ ! -w /dev/kvm ]; then
	echo tcg
	exit 0
fi

kdir=$1
cache=$DAXLITE_CACHE/accel-$(hostname)-$(basename "$kdir")
if [ ! -s "$cache" ]; then
	log=$(mktemp)
	# A boot with no suite starts a shell; its banner line proves userspace
	# was reached.  Under TCG this takes about 3 s, so 20 s is generous.
	# In a group with stderr to /dev/null, so that QEMU aborting on a
	# /dev/kvm it cannot use does not make bash print "Aborted".
	{ timeout -k 2 20 qemu-system-x86_64 -accel kvm -cpu host -smp 1 -m 512M \
		-nographic -no-reboot -monitor none -nic none -serial "file:$log" \
		-kernel "$kdir/vmlinux" -initrd "$2" \
		-append "console=ttyS0 panic=-1 rdinit=/bin/true" < /dev/null > /dev/null 2>&1; } 2> /dev/null
	# Guests started together (two-hosts.sh) probe at once: each writes
	# its answer whole, never a file another is reading half-written.
	if grep -aq 'Run /bin/true as init process' "$log"; then
		echo kvm > "$cache.$$"
	else
		echo tcg > "$cache.$$"
	fi
	mv "$cache.$$" "$cache"
	rm -f "$log"
fi
cat "$cache"
