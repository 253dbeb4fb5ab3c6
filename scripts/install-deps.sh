#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages daxlite's build, demo and tests need, if any
# are missing.  Safe to run again; does nothing when all are present.
# Where they cannot be installed (not root and no sudo, no network), says
# in one line what is missing and how to install it, and fails.
set -euo pipefail

PKGS=(
	# build the modules and tools; tests/run-all.sh lists files with git
	make gcc libc6-dev bc perl python3 xz-utils cpio kmod git
	linux-headers-amd64 linux-source-6.1 sparse
	# build the KUnit kernel from linux-source-6.1 (scripts/kunit-kernel.sh):
	# flex and bison for Kconfig and the parsers, libelf-dev for objtool
	flex bison libelf-dev
	# QEMU guests, their initramfs and the DKMS checks
	qemu-system-x86 busybox-static e2fsprogs xfsprogs util-linux dkms
	ndctl daxctl rsync
	# make bench's plot (scripts/bench.sh skips it, said so, without gnuplot)
	gnuplot-nox
	# make deb (scripts/deb.sh), and the roots its packages are tested in
	debhelper dh-dkms dpkg-dev build-essential lintian debootstrap
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

how="apt-get install --no-install-recommends ${missing[*]}"
SUDO=
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo > /dev/null; then
		echo "install-deps: missing ${missing[*]}; as root, run: $how" >&2
		exit 1
	fi
	SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
	"${missing[@]}"; } > "$log" 2>&1; then
	echo "install-deps: could not install ${missing[*]} ($(grep -m 1 -E '^(E|W): ' "$log" || echo "apt-get failed")); install them with: sudo $how" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
