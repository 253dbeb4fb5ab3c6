# SPDX-License-Identifier: GPL-2.0-only
# Shared settings for daxlite's host scripts; source it, do not run it.

DAXLITE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DAXLITE_CACHE=${DAXLITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/daxlite}
DAXLITE_BUILD=$DAXLITE_ROOT/build

# record PASS|FAIL|SKIP NAME: print a result and append it to
# $DAXLITE_RESULTS, which daxlite_summary counts.
record() {
	echo "$1 $2"
	echo "$1 $2" >> "$DAXLITE_RESULTS"
}

# daxlite_summary RESULTS: print the failed and skipped cases and the
# closing "N passed, N failed" line (skips counted on the line before);
# fail if anything failed.
daxlite_summary() {
	local pass fail skip
	pass=$(grep -c '^PASS ' "$1")
	fail=$(grep -c '^FAIL ' "$1")
	skip=$(grep -c '^SKIP ' "$1")
	if [ "$fail" != 0 ]; then
		echo "failed:"
		sed -n 's/^FAIL /  /p' "$1"
	fi
	if [ "$skip" != 0 ]; then
		echo "skipped:"
		sed -n 's/^SKIP /  /p' "$1"
		echo "$skip skipped"
	fi
	# The last line, always in this form.
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

# daxlite_copy_module_sources DEST: copy what building the modules needs
# (and nothing built) to DEST, for DKMS and for the KUnit build.
daxlite_copy_module_sources() {
	mkdir -p "$1"
	(cd "$DAXLITE_ROOT" &&
	 tar cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='*.d' \
		--exclude='modules.order' \
		Kbuild dkms.conf include dax_core dax_blk dax_chardev famfs_lite) |
		tar xf - -C "$1"
}

# daxlite_test_kernel_key FRAGMENT: the cache key of a test kernel built
# from linux-source-6.1 with FRAGMENT: the fragment and the source version.
daxlite_test_kernel_key() {
	cat "$1" <(dpkg-query -W -f='${Version}\n' linux-source-6.1) |
		sha256sum | cut -c1-12
}

# daxlite_test_kernel_config NAME FRAGMENT DIR: unpack linux-source-6.1
# into DIR/src and configure DIR/build as tinyconfig plus FRAGMENT, failing
# (with NAME in the message) if an option of FRAGMENT did not stick.  Make
# runs through $DAXLITE_KMAKE if set (e.g. "nice -n 10 make").
daxlite_test_kernel_config() {
	local name=$1 frag=$2 dir=$3 missing
	local kmake=(${DAXLITE_KMAKE:-make} -s -C "$dir/src" O="$dir/build")

	rm -rf "$dir"
	mkdir -p "$dir/src" "$dir/build"
	tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir/src" --strip-components=1
	"${kmake[@]}" tinyconfig >&2
	"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" \
		"$dir/build/.config" "$frag" >&2
	"${kmake[@]}" olddefconfig >&2
	missing=$(grep '^CONFIG_' "$frag" | while read -r opt; do
		grep -qx "$opt" "$dir/build/.config" || echo "$opt"
	done)
	if [ -n "$missing" ]; then
		echo "$name: these options did not stick: $missing" >&2
		return 1
	fi
}

# The Debian amd64 headers to build and test against: KDIR if given, else
# the newest 6.1 ones (the kernels include/daxlite/compat.h covers), even
# where newer headers, such as backports', are installed too.
daxlite_kdir() {
	if [ -n "${KDIR:-}" ]; then
		echo "$KDIR"
	else
		ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1
	fi
}

# The kernel release those headers are for, e.g. 6.1.0-56-amd64.
daxlite_krel() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$(daxlite_kdir)/include/generated/utsrelease.h"
}

# daxlite_linux_source_deb PKG VERSION: the path of Debian's PKG (a
# linux-source-X.Y) of that VERSION, downloaded once by apt (through
# scripts/kernels.sh's private configuration) into
# $DAXLITE_CACHE/linux-source.
daxlite_linux_source_deb() {
	local pkg=$1 ver=$2 d=$DAXLITE_CACHE/linux-source
	mkdir -p "$d"
	if [ ! -s "$d/${pkg}_${ver}_all.deb" ]; then
		echo "downloading $pkg $ver" >&2
		(cd "$d" && "$DAXLITE_ROOT/scripts/kernels.sh" apt download -q "$pkg=$ver" >&2)
	fi
	ls "$d/${pkg}_${ver}_all.deb"
}

# daxlite_series KREL: the X.Y of a kernel release (7.3.4+deb13-amd64: 7.3).
daxlite_series() {
	echo "$1" | sed -n 's/^\([0-9]*\.[0-9]*\)[.+-].*/\1/p'
}
