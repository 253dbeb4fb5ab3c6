#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch a stock Debian kernel, unpack it (never install it) into the cache
# and extract its ELF vmlinux, which QEMU boots directly through PVH.
# Prints the directory it prepared:
#   DIR/vmlinux, DIR/lib/modules/KREL/...
#
#   stock-kernel.sh            the kernel matching the installed 6.1 headers
#   stock-kernel.sh NAME       a kernel scripts/kernels.sh resolves: 6.1,
#                              6.12, newest or an exact KREL
#
# Trixie's packages are merged-/usr (DIR/usr/lib/modules): DIR/lib is then
# made a link to usr/lib, so DIR/lib/modules/KREL works for every kernel.
# From 7.x, linux-image-KREL is an empty package; the kernel, modules and
# modules.* files come in linux-binary-KREL, linux-modules-KREL and
# linux-base-KREL, which kernels.sh lists and which are all unpacked here.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-}
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
if [ -z "$name" ]; then
	krel=$(daxlite_krel)
	pkgs=("linux-image-$krel")
else
	read -r _ _ krel pkgs_line < <("$DAXLITE_ROOT/scripts/kernels.sh" "$name")
	read -r -a pkgs <<< "$pkgs_line"
fi

dir=$DAXLITE_CACHE/kernel-$krel
# Guests started together (two-hosts.sh) prepare the kernel one at a time.
mkdir -p "$DAXLITE_CACHE"
exec 9> "$dir.lock"
flock 9
if [ -s "$dir/vmlinux" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/deb"
if [ -z "$name" ]; then
	# The host's own apt knows bookworm's kernels (as it always did).
	(cd "$dir/deb" && apt-get download -qq "${sandbox[@]}" "${pkgs[@]}" >/dev/null)
else
	(cd "$dir/deb" && "$DAXLITE_ROOT/scripts/kernels.sh" apt download -qq "${pkgs[@]}" >/dev/null)
fi
for deb in "$dir"/deb/*.deb; do
	dpkg-deb -x "$deb" "$dir"
done
if [ ! -e "$dir/lib" ] && [ -d "$dir/usr/lib/modules" ]; then
	ln -s usr/lib "$dir/lib"
fi
depmod -b "$dir" "$krel"

# The kernel: /boot/vmlinuz-KREL up to 6.12; from 7.x it sits in the
# module directory (vmlinuz, or vmlinuz.unsigned from the unsigned package).
vmlinuz=
for f in "$dir/boot/vmlinuz-$krel" "$dir/lib/modules/$krel"/vmlinuz*; do
	[ -f "$f" ] && { vmlinuz=$f; break; }
done
[ -n "$vmlinuz" ] || { echo "stock-kernel: no vmlinuz in ${pkgs[*]}" >&2; exit 1; }

# A bzImage: the compressed vmlinux is the payload the boot header points
# to (payload_offset/payload_length at 0x248/0x24c, counted from the
# protected-mode code after the (setup_sects + 1) * 512 bytes of setup).
# The build appends the uncompressed size (4 bytes) to the stream; leave
# it out so zstd, which would read it as a broken next frame, is happy.
u() { od -An -t "u$2" -j "$1" -N "$2" "$vmlinuz" | tr -d ' '; }
setup_sects=$(u $((0x1f1)) 1)
[ "$setup_sects" = 0 ] && setup_sects=4
payload=$(((setup_sects + 1) * 512 + $(u $((0x248)) 4)))
length=$(($(u $((0x24c)) 4) - 4))
magic=$(od -An -t x1 -j "$payload" -N 4 "$vmlinuz" | tr -d ' ')
case $magic in
fd377a58) decompress=(xz -dc --single-stream) ;;	# CONFIG_KERNEL_XZ (6.1, 6.12)
28b52ffd) decompress=(zstd -dcq) ;;			# CONFIG_KERNEL_ZSTD
1f8b08*) decompress=(gzip -dc) ;;			# CONFIG_KERNEL_GZIP
*) echo "stock-kernel: unknown compression (magic $magic) in $vmlinuz" >&2; exit 1 ;;
esac
# tail may die of SIGPIPE once head has its bytes.
{ tail -c +$((payload + 1)) "$vmlinuz" || true; } | head -c "$length" |
	"${decompress[@]}" > "$dir/vmlinux.tmp" || true
if [ "$(head -c 4 "$dir/vmlinux.tmp" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	echo "stock-kernel: cannot extract vmlinux from $vmlinuz" >&2
	exit 1
fi
mv "$dir/vmlinux.tmp" "$dir/vmlinux"
rm -rf "$dir/deb"
echo "$dir"
