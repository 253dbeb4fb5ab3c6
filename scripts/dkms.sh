#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DKMS helpers behind make dkms-install / dkms-remove.
#   dkms.sh install [KVER]   dkms add (once), build and install for KVER
#                            (default: the running kernel)
#   dkms.sh remove           dkms remove daxlite, for every kernel, and its
#                            sources in the DKMS source tree
# DKMS_ARGS passes extra options to every dkms call (the tests use it for
# a scratch tree: --dkmstree, --sourcetree, --installtree).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$DAXLITE_ROOT/dkms.conf")
read -r -a extra <<< "${DKMS_ARGS:-}"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

case ${1:-} in
install)
	kver=${2:-$(uname -r)}
	# Say what is missing in one line, rather than in dkms's words.
	if ! command -v dkms > /dev/null; then
		echo "dkms.sh: dkms is missing: sudo apt-get install dkms linux-headers-amd64 build-essential" >&2
		exit 1
	fi
	# dkms.conf's BUILD_EXCLUSIVE_KERNEL: the kernels the compat layer covers.
	covered=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$DAXLITE_ROOT/dkms.conf")
	if ! grep -Eq -- "$covered" <<< "$kver"; then
		echo "dkms.sh: daxlite builds only for the kernels dkms.conf's BUILD_EXCLUSIVE_KERNEL names ($covered), not $kver" >&2
		exit 1
	fi
	if [ ! -e "/lib/modules/$kver/build" ]; then
		echo "dkms.sh: no headers for $kver: sudo apt-get install linux-headers-$kver" >&2
		exit 1
	fi
	if ! $SUDO dkms status "${extra[@]}" -m daxlite -v "$ver" | grep -q daxlite; then
		# Hand DKMS the module sources only, not a working tree.
		stage=$(mktemp -d)
		daxlite_copy_module_sources "$stage/daxlite-$ver"
		$SUDO dkms add "${extra[@]}" "$stage/daxlite-$ver"
		rm -rf "$stage"
	fi
	$SUDO dkms build "${extra[@]}" -m daxlite -v "$ver" -k "$kver"
	$SUDO dkms install "${extra[@]}" -m daxlite -v "$ver" -k "$kver"
	$SUDO dkms status "${extra[@]}" -m daxlite -v "$ver"
	;;
remove)
	$SUDO dkms remove "${extra[@]}" -m daxlite -v "$ver" --all
	# dkms leaves the sources that `install` staged; they go too.
	srctree=/usr/src
	for ((i = 0; i < ${#extra[@]}; i++)); do
		[ "${extra[i]}" = --sourcetree ] && srctree=${extra[i + 1]}
	done
	$SUDO rm -rf "$srctree/daxlite-$ver"
	;;
*)
	echo "usage: dkms.sh install [KVER] | remove" >&2
	exit 2
	;;
esac
