#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A Debian root to build the modules for a kernel that is not bookworm's:
# `debootstrap --variant=minbase` of trixie with gcc, make and libc6-dev,
# plus linux-headers-KREL when KREL is given.  Headers want the compiler
# of their own suite, which the host (bookworm) does not have.  A bookworm
# root is made the same way (tests/dkms-test.sh installs the Debian
# package in it for 6.1, rather than in the host).
#   build-root.sh SUITE [KREL]     prints the root's path
# SUITE is the one scripts/kernels.sh prints: trixie, trixie-updates,
# trixie-security or trixie-backports (a trixie root), sid (a trixie
# root that installs the headers, and what they need, from sid), or
# bookworm, bookworm-updates or bookworm-security (a bookworm root).
#
# Cached under $DAXLITE_CACHE/roots: the bare trixie root once, and one
# copy of it per kernel release with the headers installed, so running
# this again is cheap.  Trixie is merged-/usr: /lib is a link to usr/lib.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=${1:?usage: build-root.sh SUITE [KREL]}
krel=${2:-}
mirror=${DAXLITE_MIRROR:-http://deb.debian.org/debian}
security=${DAXLITE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

case $suite in
bookworm | bookworm-updates | bookworm-security) base=bookworm extra= ;;
trixie | trixie-updates | trixie-security) base=trixie extra= ;;
trixie-backports) base=trixie extra=trixie-backports ;;
sid | unstable) base=trixie extra=sid ;;
*) echo "build-root: no root for suite '$suite'" >&2; exit 2 ;;
esac

roots=$DAXLITE_CACHE/roots
bare=$roots/$base
mkdir -p "$roots"

# Mounts inside a root under construction; always taken down again.
mounted=()
cleanup() {
	local m
	for m in "${mounted[@]}"; do
		umount -l "$m" 2>/dev/null || true
	done
}
trap cleanup EXIT

in_root() {
	local r=$1
	shift
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

if [ ! -e "$bare/.daxlite-done" ]; then
	rm -rf "$bare.tmp"
	echo "build-root: debootstrap $base (minbase) into $bare" >&2
	start=$(date +%s)
	nice -n 10 debootstrap --variant=minbase --keyring="$keyring" \
		--include=gcc,make,libc6-dev,xz-utils,zstd,kmod \
		"$base" "$bare.tmp" "$mirror" > "$roots/$base.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$roots/$base.debootstrap.log" >&2; exit 1; }
	cat > "$bare.tmp/etc/apt/sources.list" <<-EOF
	deb $mirror $base main
	deb $mirror $base-updates main
	deb $security $base-security main
	EOF
	in_root "$bare.tmp" apt-get clean
	touch "$bare.tmp/.daxlite-done"
	mv "$bare.tmp" "$bare"
	echo "build-root: debootstrap took $(($(date +%s) - start))s" >&2
fi

if [ -z "$krel" ]; then
	echo "$bare"
	exit 0
fi

root=$roots/$base-$krel
if [ ! -e "$root/.daxlite-done" ]; then
	rm -rf "$root.tmp"
	cp -a "$bare" "$root.tmp"
	rm -f "$root.tmp/.daxlite-done"
	cp /etc/resolv.conf "$root.tmp/etc/resolv.conf" 2>/dev/null || true
	target=()
	if [ -n "$extra" ]; then
		echo "deb $mirror $extra main" > "$root.tmp/etc/apt/sources.list.d/$extra.list"
		target=(-t "$extra")
	fi
	mount -t proc proc "$root.tmp/proc"
	mounted+=("$root.tmp/proc")
	# Trixie's 6.12 headers depend on the image, which brings
	# initramfs-tools: building an initrd nobody boots takes minutes, so
	# update-initramfs is diverted to a stub that does nothing.
	in_root "$root.tmp" dpkg-divert --local --rename \
		--divert /usr/sbin/update-initramfs.daxlite --add /usr/sbin/update-initramfs > /dev/null
	printf '#!/bin/sh\nexit 0\n' > "$root.tmp/usr/sbin/update-initramfs"
	chmod 0755 "$root.tmp/usr/sbin/update-initramfs"
	echo "build-root: installing linux-headers-$krel ${extra:+from $extra }into $root" >&2
	start=$(date +%s)
	in_root "$root.tmp" apt-get -qq update
	in_root "$root.tmp" nice -n 10 apt-get install -y -qq --no-install-recommends \
		"${target[@]}" "linux-headers-$krel" > "$roots/$base-$krel.apt.log" 2>&1 ||
		{ tail -n 20 "$roots/$base-$krel.apt.log" >&2; exit 1; }
	in_root "$root.tmp" apt-get clean
	umount "$root.tmp/proc"
	mounted=()
	[ -d "$root.tmp/usr/src/linux-headers-$krel" ] ||
		{ echo "build-root: no /usr/src/linux-headers-$krel after install" >&2; exit 1; }
	touch "$root.tmp/.daxlite-done"
	mv "$root.tmp" "$root"
	echo "build-root: headers took $(($(date +%s) - start))s" >&2
fi

# W=1 runs the headers' scripts/kernel-doc, a Perl script that needs
# Pod::Usage from perl's modules, which minbase lacks.  Added once to each
# root, also to roots made before this step existed.
if [ ! -e "$root/.daxlite-perl" ]; then
	echo "build-root: installing perl into $root" >&2
	in_root "$root" apt-get -qq update
	in_root "$root" nice -n 10 apt-get install -y -qq --no-install-recommends \
		perl > "$roots/$base-$krel.perl.log" 2>&1 ||
		{ tail -n 20 "$roots/$base-$krel.perl.log" >&2; exit 1; }
	in_root "$root" apt-get clean
	touch "$root/.daxlite-perl"
fi
echo "$root"
