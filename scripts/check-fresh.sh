#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check-fresh: meet the README as a newcomer does, on a fresh machine.
# Builds a minimal Debian 12 root (debootstrap --variant=minbase bookworm)
# under the cache, with /dev, /proc and /sys mounted into it, and in that
# root, as root and with its own empty ~/.cache:
#   1. installs git and ca-certificates, the one step needed to clone;
#   2. clones this repository's HEAD (committed work only) and runs
#      scripts/demo.sh, then tests/run-all.sh in another fresh clone, which
#      must end with "N passed, 0 failed";
#   3. runs each make target the README names in a fresh clone of its own.
# Nothing else is installed by hand: whatever the commands need, they must
# install themselves.  Prints how long each step took.
#
#   check-fresh.sh [-k] [TARGET...]
#     -k       keep and reuse the root of an earlier run (default: rebuild it)
#     TARGET   the make targets of step 3 (default: demo kunit bench install
#              dkms-install deb; make check is tests/run-all.sh, step 2);
#              "none" skips step 3
set -euo pipefail
. "$(dirname "$0")/lib.sh"

keep=0
while getopts k opt; do
	case $opt in
	k) keep=1 ;;
	*) echo "usage: check-fresh.sh [-k] [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(demo kunit bench install dkms-install deb)
[ "${targets[*]}" = none ] && targets=()

# debootstrap, chroot and the mounts need root.
if [ "$(id -u)" != 0 ]; then
	echo "check-fresh: needs root (debootstrap, chroot, mounts): run it with sudo" >&2
	exit 1
fi

root=${DAXLITE_FRESH_ROOT:-$DAXLITE_CACHE/fresh-root}
mirror=${DAXLITE_FRESH_MIRROR:-http://deb.debian.org/debian}

if ! command -v debootstrap > /dev/null; then
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		debootstrap > /dev/null; then
		echo "check-fresh: debootstrap is missing: apt-get install debootstrap" >&2
		exit 1
	fi
fi

# Mounted into the root while it is used; --make-rslave keeps unmounts in
# the root from reaching the host's own /dev and /sys.
mounted() {
	findmnt -rn -o TARGET | grep -q "^$root\(/\|$\)"
}
unmount_all() {
	local m
	for m in sys proc dev; do
		mountpoint -q "$root/$m" && umount -R "$root/$m"
	done
	if mounted; then
		echo "check-fresh: still mounted under $root:" >&2
		findmnt -rn -o TARGET | grep "^$root" >&2
		return 1
	fi
}
mount_all() {
	mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
}
trap unmount_all EXIT

declare -a times=()
# step NAME COMMAND...: run COMMAND, print and remember how long it took.
step() {
	local name=$1 start rc=0
	shift
	echo "== check-fresh: $name"
	start=$(date +%s)
	"$@" || rc=$?
	times+=("$(printf '%6ss  %s%s' $(($(date +%s) - start)) "$name" \
		"$([ $rc = 0 ] || echo "  (FAILED, exit $rc)")")")
	echo "== check-fresh: $name: $(($(date +%s) - start))s$([ $rc = 0 ] || echo ", FAILED")"
	return $rc
}
report() {
	echo "== check-fresh: times"
	printf '%s\n' "${times[@]}"
}

# in_root COMMAND: run a shell command in the root as its root user, with
# a clean environment (so its ~/.cache is the root's own, empty at first).
in_root() {
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "set -euo pipefail; $1"
}

bootstrap() {
	# Never delete a root with the host's /dev still mounted in it.
	unmount_all || return 1
	if [ $keep = 1 ] && [ -x "$root/usr/bin/apt-get" ]; then
		echo "reusing $root"
		return 0
	fi
	rm -rf --one-file-system "$root"
	mkdir -p "$root"
	debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$root.debootstrap.log"; return 1; }
	# The host's apt sources (security updates included), in place of
	# debootstrap's own, and name service.
	rm -f "$root/etc/apt/sources.list"
	find /etc/apt/sources.list.d -maxdepth 1 \( -name '*.list' -o -name '*.sources' \) \
		-exec cp {} "$root/etc/apt/sources.list.d/" \;
	[ ! -e /etc/apt/sources.list ] || cp /etc/apt/sources.list "$root/etc/apt/"
	cp -L /etc/resolv.conf "$root/etc/resolv.conf"
}

# What a newcomer does by hand before the README: install git, clone.
install_git() {
	in_root 'export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends git ca-certificates > /dev/null'
}

# The repository as it is committed, served from a bare copy in the root.
publish() {
	local bare=$root/srv/daxlite.git
	[ -z "$(git -C "$DAXLITE_ROOT" status --porcelain)" ] ||
		echo "check-fresh: uncommitted changes are not tested, only HEAD"
	rm -rf "$bare"
	git init -q --bare "$bare"
	git -C "$DAXLITE_ROOT" push -q "$bare" HEAD:refs/heads/main
	git -C "$bare" symbolic-ref HEAD refs/heads/main
}

# fresh_clone DIR: a new clone at /root/DIR in the root.
fresh_clone() {
	in_root "rm -rf /root/$1 && git clone -q /srv/daxlite.git /root/$1"
}

demo() {
	fresh_clone fresh-demo && in_root 'cd /root/fresh-demo && scripts/demo.sh'
}

run_all() {
	local out=$root/root/run-all.out
	fresh_clone fresh-run-all &&
	in_root 'cd /root/fresh-run-all && tests/run-all.sh' 2>&1 | tee "$out" || true
	if ! tail -n 1 "$out" | grep -qE '^[0-9]+ passed, 0 failed$'; then
		echo "check-fresh: tests/run-all.sh did not end with \"N passed, 0 failed\""
		return 1
	fi
}

# make_target TARGET: TARGET in its own fresh clone.  make install goes to
# a scratch DESTDIR; dkms-install builds for the stock 6.1 headers (the
# root runs the host's kernel) and is removed again.
make_target() {
	local t=$1 cmd
	case $t in
	install) cmd='make install DESTDIR=/tmp/fresh-install && make uninstall DESTDIR=/tmp/fresh-install' ;;
	dkms-install) cmd='. scripts/lib.sh && make dkms-install KVER=$(daxlite_krel) && make dkms-remove' ;;
	*) cmd="make $t" ;;
	esac
	fresh_clone "fresh-$t" && in_root "cd /root/fresh-$t && $cmd"
}

rc=0
step "debootstrap --variant=minbase bookworm" bootstrap || { report; exit 1; }
mount_all
step "install git, ca-certificates (to clone)" install_git || { report; exit 1; }
publish
step "scripts/demo.sh" demo || rc=1
step "tests/run-all.sh" run_all || rc=1
for t in "${targets[@]}"; do
	step "make $t (fresh clone)" make_target "$t" || rc=1
done
report
exit $rc
