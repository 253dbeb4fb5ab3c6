#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch the stock Debian kernel that matches the installed headers, unpack
# it (never install it) into the cache and extract its ELF vmlinux, which
# QEMU boots directly through PVH.  Prints the directory it prepared:
#   DIR/vmlinux, DIR/lib/modules/KREL/...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

krel=$(daxlite_krel)
dir=$DAXLITE_CACHE/kernel-$krel
if [ ! -s "$dir/vmlinux" ]; then
	mkdir -p "$dir/deb"
	sandbox=()
	[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
	(cd "$dir/deb" && apt-get download -qq "${sandbox[@]}" "linux-image-$krel" >/dev/null)
	dpkg-deb -x "$dir"/deb/linux-image-"$krel"_*.deb "$dir"
	depmod -b "$dir" "$krel"
	# vmlinuz is a bzImage holding one xz stream (CONFIG_KERNEL_XZ).
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$dir/boot/vmlinuz-$krel" | head -n 1 | cut -d: -f1)
	# xz stops reading at the end of that stream, so tail may die of SIGPIPE.
	tail -c +$((off + 1)) "$dir/boot/vmlinuz-$krel" |
		xz -dc --single-stream > "$dir/vmlinux.tmp" || true
	if [ "$(head -c 4 "$dir/vmlinux.tmp" | od -An -c | tr -d ' ')" != '177ELF' ]; then
		echo "stock-kernel: cannot extract vmlinux from vmlinuz-$krel" >&2
		exit 1
	fi
	mv "$dir/vmlinux.tmp" "$dir/vmlinux"
	rm -rf "$dir/deb"
fi
echo "$dir"
