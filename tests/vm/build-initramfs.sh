#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the base initramfs for guest tests: busybox, kmod, the filesystem
# tools the tests use, and the stock kernel modules they load.  The result
# is cached by kernel release and by this script's content; the project's
# own modules, tests and /init go into a second archive per run
# (tests/vm/run-guest.sh).
#   build-initramfs.sh KERNEL_DIR     prints the path of the base archive
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

kdir=$1
krel=$(ls "$kdir/lib/modules")
key=$(sha256sum "$0" | cut -c1-12)
out=$DAXLITE_CACHE/initramfs-$krel-$key.cpio.gz
# Guests started together (two-hosts.sh) build it one at a time.
mkdir -p "$DAXLITE_CACHE"
exec 9> "$out.lock"
flock 9
if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi

st=$(mktemp -d)
trap 'rm -rf "$st"' EXIT
mkdir -p "$st"/{bin,sbin,etc,proc,sys,dev,tmp,run,mnt,root,lib64,usr/bin,usr/sbin}

cp /bin/busybox "$st/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$st/bin/$a" ] || ln -s busybox "$st/bin/$a"
done

# A dynamically linked tool and the libraries ldd finds for it.
copy_bin() {
	local src=$1 dst=$2 lib
	rm -f "$st/bin/$(basename "$dst")"
	cp -L "$src" "$st/$dst"
	for lib in $(ldd "$src" | awk '/=>/ { print $3 } /^\t\// { print $1 }'); do
		[ -e "$st/$lib" ] && continue
		mkdir -p "$st/$(dirname "$lib")"
		cp -L "$lib" "$st/$lib"
	done
}
copy_bin /usr/bin/kmod sbin/kmod
for a in modprobe insmod rmmod lsmod modinfo depmod; do
	rm -f "$st/bin/$a"
	ln -s kmod "$st/sbin/$a"
done
for t in /usr/sbin/mke2fs /usr/sbin/e2fsck /usr/sbin/filefrag /usr/sbin/mkfs.xfs \
	 /usr/sbin/xfs_io /usr/sbin/blkdiscard /usr/bin/lsblk /usr/bin/ndctl \
	 /usr/bin/daxctl /usr/bin/rsync; do
	copy_bin "$t" "sbin/$(basename "$t")"
done
ln -s mke2fs "$st/sbin/mkfs.ext4"
rm -f "$st/bin/mkfs.ext4"
cp /etc/mke2fs.conf "$st/etc/"
ln -s /proc/mounts "$st/etc/mtab"
echo 'root:x:0:0:root:/root:/bin/sh' > "$st/etc/passwd"
echo 'root:x:0:' > "$st/etc/group"

# Stock modules the tests load, with their dependencies (from modules.dep,
# ignoring the host's modprobe.d).
mods="ext4 xfs nfit nd_pmem nd_e820 dax_pmem device_dax"
for m in $mods; do
	modprobe -C /dev/null -d "$kdir" -S "$krel" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r ko; do
	rel=${ko#"$kdir"/}
	mkdir -p "$st/$(dirname "$rel")"
	cp "$ko" "$st/$rel"
done
cp "$kdir/lib/modules/$krel"/modules.{order,builtin,builtin.modinfo} "$st/lib/modules/$krel/"
depmod -b "$st" "$krel"

mkdir -p "$DAXLITE_CACHE"
(cd "$st" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
