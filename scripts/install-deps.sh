#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages daxlite's build, demo and tests need, if any
# are missing.  Safe to run again; does nothing when all are present.
set -euo pipefail

PKGS=(
	make gcc libc6-dev bc perl python3 xz-utils cpio kmod
	linux-headers-amd64 linux-source-6.1 sparse
	qemu-system-x86 busybox-static e2fsprogs xfsprogs util-linux dkms
	ndctl daxctl
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
