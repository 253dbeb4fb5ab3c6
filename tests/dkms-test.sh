#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Host-side DKMS test for one stock kernel:
#   dkms-test.sh [-P] [NAME]  NAME as scripts/kernels.sh takes it (default 6.1)
#     -P  the package path only (1-3 below), not the source-tree path (4):
#         that one differs from kernel to kernel only by the build DKMS runs
#         in both, so tests/run-all.sh runs it on 6.1 alone
# In a throwaway overlay of that kernel's build root (scripts/build-root.sh:
# a bookworm root for 6.1, a trixie one for 6.12 and newer, each with the
# kernel's headers and, added once here, dkms):
#   1. the package path, the README's: `apt-get install
#      ./daxlite-dkms_*.deb ./daxlite-tools_*.deb` (make deb, run first if
#      build/deb lacks them or is older than the sources) builds and
#      installs the modules for the kernel through DKMS; they are checked
#      (version, vermagic, licence, dependencies, parameters) and kept in
#      build/dkms-modules@NAME for the guest suite dkms_modprobe, with the
#      tools (in sbin/); the tools run from /usr/sbin, with their man pages
#      and udev rules in place;
#   2. DKMS refuses a kernel the compat layer does not cover (6.13) by its
#      BUILD_EXCLUSIVE_KERNEL, rather than failing to compile;
#   3. `apt-get purge daxlite-dkms daxlite-tools` leaves nothing behind;
#   4. the source-tree path: scripts/dkms.sh install KREL (what
#      `make dkms-install` runs) and scripts/dkms.sh remove, leaving nothing.
# 6.1 is the release of the installed 6.1 headers, the kernel the guest
# suites boot by default.  A chroot's running kernel is the host's, for
# which DKMS's postinst builds nothing (on a machine running one of the
# kernels, it builds for that one and the newest installed); the overlay's
# /etc/dkms/framework.conf sets autoinstall_all_kernels, so that it builds
# for every kernel with headers: in the root, the one under test.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DAXLITE_ROOT"

source_path=1
while getopts P o; do
	case $o in
	P) source_path=0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
name=${1:-6.1}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
if [ "$name" = 6.1 ]; then
	read -r _ suite krel _ < <(scripts/kernels.sh "$(daxlite_krel)")
else
	read -r _ suite krel _ < <(scripts/kernels.sh "$name")
fi
[ -n "${krel:-}" ] || { echo "dkms-test: no $name kernel (scripts/kernels.sh $name)" >&2; exit 1; }
out=$DAXLITE_BUILD/dkms-modules@$name
t=$DAXLITE_BUILD/dkms-root@$name
start=$(date +%s)

step() {
	echo "== dkms-test@$name: $* ($(($(date +%s) - start))s)"
}

# The package of these sources: made again if missing or older than them.
deb=$DAXLITE_BUILD/deb/daxlite-dkms_${ver}_all.deb
tools_deb=$(ls "$DAXLITE_BUILD"/deb/daxlite-tools_"${ver}"_*.deb 2>/dev/null || true)
if [ ! -s "$deb" ] || [ -z "$tools_deb" ] || [ -n "$(find Kbuild dkms.conf include dax_core dax_blk dax_chardev \
	famfs_lite packaging scripts/lib.sh -newer "$deb" -type f -print -quit)" ]; then
	step "make deb"
	scripts/deb.sh > /dev/null
	tools_deb=$(ls "$DAXLITE_BUILD"/deb/daxlite-tools_"${ver}"_*.deb)
fi

root=$(scripts/build-root.sh "$suite" "$krel")

in_root() {
	local r=$1
	shift
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root "$@"
}

# dkms in the cached root, once (under a lock: other runs share the root).
if [ ! -e "$root/.daxlite-dkms" ]; then
	step "installing dkms into $root"
	(
		flock 9
		if [ ! -e "$root/.daxlite-dkms" ]; then
			mount -t proc proc "$root/proc"
			trap 'umount "$root/proc"' EXIT
			in_root "$root" apt-get -qq update
			in_root "$root" nice -n 10 apt-get install -y -qq --no-install-recommends \
				dkms > "$root.dkms.log" 2>&1 ||
				{ tail -n 20 "$root.dkms.log" >&2; exit 1; }
			in_root "$root" apt-get clean
			touch "$root/.daxlite-dkms"
		fi
	) 9> "$root.lock"
fi

# The overlay: the cached root below, this run's changes above.
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
	done
	rm -rf --one-file-system "$t"
}
trap cleanup EXIT
# A run killed before its cleanup may have left its mounts: take them down
# before its directory goes (never through a mount into the cached root).
findmnt -rn -o TARGET | { grep "^$t/" || true; } | sort -r | while read -r mp; do
	umount "$mp" 2>/dev/null || umount -l "$mp"
done
cleanup
mkdir -p "$t/upper" "$t/work" "$t/merged"
m=$t/merged
mount -t overlay overlay -o "lowerdir=$root,upperdir=$t/upper,workdir=$t/work" "$m"
mounted+=("$m")
mount -t proc proc "$m/proc"
mounted+=("$m/proc")
echo 'autoinstall_all_kernels="y"' >> "$m/etc/dkms/framework.conf"
rm -rf "$out"
mkdir -p "$out"

# Nothing of daxlite in /usr/src, /var/lib/dkms, the kernel's modules or
# (after a purge of the tools) /usr, /lib/udev and /etc.
tools_files=(/usr/sbin/mkfs.famfs_lite /usr/sbin/fsck.famfs_lite /usr/sbin/daxlite-ctl
	/usr/share/man/man8/mkfs.famfs_lite.8.gz /usr/share/man/man8/fsck.famfs_lite.8.gz
	/usr/share/man/man8/daxlite-ctl.8.gz /lib/udev/rules.d/60-daxlite.rules
	/usr/share/doc/daxlite-tools/examples/modprobe.d/daxlite.conf
	/usr/share/doc/daxlite-tools/examples/modules-load.d/daxlite.conf)
nothing_left() {
	local left f
	left=$(find "$m/usr/src" "$m/var/lib/dkms" "$m/lib/modules/$krel/updates" \
		-path '*daxlite*' -o -name 'dax_*.ko*' -o -name 'famfs_lite.ko*' 2>/dev/null || true)
	for f in "${tools_files[@]}" /usr/share/doc/daxlite-tools /usr/share/doc/daxlite-dkms; do
		[ ! -e "$m$f" ] || left+=" $f"
	done
	if [ -n "$left" ]; then
		echo "left behind after $1:"
		echo "$left"
		return 1
	fi
	echo "$1: nothing left"
}

# check_modules DIR: the four modules DKMS installed, as the project built them.
check_modules() {
	local m ko
	for m in dax_core dax_blk dax_chardev famfs_lite; do
		ko=$(ls "$1/$m".ko*)
		echo "$m: $(basename "$ko"), $(modinfo -F version "$ko"), $(modinfo -F license "$ko"), depends '$(modinfo -F depends "$ko")'"
		[ "$(modinfo -F version "$ko")" = "$ver" ]
		[ "$(modinfo -F license "$ko")" = GPL ]
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ]
		modinfo -F description "$ko" | grep -q .
	done
	modinfo -F depends "$1"/dax_blk.ko* | grep -qw dax_core
	modinfo -F depends "$1"/famfs_lite.ko* | grep -qw dax_core
	modinfo -F softdep "$1"/famfs_lite.ko* | grep -q 'pre: dax_chardev'
	modinfo -F alias "$1"/famfs_lite.ko* | grep -qx 'fs-famfs_lite'
	for m in dax_blk dax_chardev; do
		modinfo "$1/$m".ko* | grep -E '^parm: +ranges:.+\(charp\)$'
		modinfo "$1/$m".ko* | grep -E '^parm: +persistent:.+\(bool\)$'
	done
}

step "apt-get install ./$(basename "$deb") ./$(basename "$tools_deb") for $krel"
cp "$deb" "$tools_deb" "$m/tmp/"
in_root "$m" apt-get install -y --no-install-recommends "/tmp/$(basename "$deb")" \
	"/tmp/$(basename "$tools_deb")" 2>&1 | tee "$t/apt-install.log"
[ "${PIPESTATUS[0]}" = 0 ]
for f in "${tools_files[@]}"; do
	[ -s "$m$f" ] || { echo "daxlite-tools: no $f"; exit 1; }
done
in_root "$m" mkfs.famfs_lite --help > /dev/null
in_root "$m" fsck.famfs_lite --help > /dev/null
in_root "$m" daxlite-ctl --help > /dev/null
in_root "$m" dkms status -m daxlite -v "$ver" | tee "$t/status"
grep -q "daxlite/$ver, $krel, x86_64: installed" "$t/status"
check_modules "$m/lib/modules/$krel/updates/dkms"
cp "$m/lib/modules/$krel/updates/dkms/"*.ko* "$out/"
# The packaged tools too, which the guest suite uses in place of tools/.
mkdir -p "$out/sbin"
cp "$m/usr/sbin/mkfs.famfs_lite" "$m/usr/sbin/fsck.famfs_lite" "$m/usr/sbin/daxlite-ctl" "$out/sbin/"

step "a kernel outside the compat layer (6.13) is refused"
if in_root "$m" dkms build -m daxlite -v "$ver" -k 6.13.0-99-amd64 \
	--kernelsourcedir "/usr/src/linux-headers-$krel" > "$t/exclusive" 2>&1; then
	cat "$t/exclusive"
	echo "a 6.13 build was not refused"
	exit 1
fi
cat "$t/exclusive"
grep -q 'BUILD_EXCLUSIVE' "$t/exclusive"

step "apt-get purge daxlite-dkms daxlite-tools"
in_root "$m" apt-get purge -y daxlite-dkms daxlite-tools
nothing_left "apt-get purge daxlite-dkms daxlite-tools"

if [ "$source_path" = 0 ]; then
	step "done (package path only): modules for $krel in $out"
	exit 0
fi

step "scripts/dkms.sh install $krel, from the source tree"
mkdir -p "$m/tmp/daxlite/scripts"
cp scripts/dkms.sh scripts/lib.sh "$m/tmp/daxlite/scripts/"
daxlite_copy_module_sources "$m/tmp/daxlite"
in_root "$m" /tmp/daxlite/scripts/dkms.sh install "$krel" | tee "$t/status"
grep -q "daxlite/$ver, $krel, x86_64: installed" "$t/status"
check_modules "$m/lib/modules/$krel/updates/dkms" > /dev/null
in_root "$m" /tmp/daxlite/scripts/dkms.sh remove
nothing_left "scripts/dkms.sh remove"

step "done: modules for $krel in $out"
