# SPDX-License-Identifier: GPL-2.0-only
# Shared settings for daxlite's host scripts; source it, do not run it.

DAXLITE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DAXLITE_CACHE=${DAXLITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/daxlite}
DAXLITE_BUILD=$DAXLITE_ROOT/build

# The Debian amd64 headers to build against: KDIR if given, else the newest.
daxlite_kdir() {
	if [ -n "${KDIR:-}" ]; then
		echo "$KDIR"
	else
		ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1
	fi
}

# The kernel release those headers are for, e.g. 6.1.0-56-amd64.
daxlite_krel() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$(daxlite_kdir)/include/generated/utsrelease.h"
}
