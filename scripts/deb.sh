#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make deb: the Debian packages, in build/deb:
#   daxlite-dkms_VERSION_all.deb     the module sources and dkms.conf in
#                                    /usr/src/daxlite-VERSION (dh_dkms)
#   daxlite-tools_VERSION_ARCH.deb   mkfs/fsck.famfs_lite, daxlite-ctl, their
#                                    man pages, udev rules, examples
# with their .changes and .buildinfo, then lintian on the .changes (fails
# on an error or a warning; informational tags are printed).
#
# The checkout's files (tracked, and new ones git does not ignore, as they
# are in the working tree) are copied to build/deb/daxlite-VERSION with
# packaging/debian as debian/, and dpkg-buildpackage builds the binary
# packages there (Rules-Requires-Root: no, so as any user).  VERSION is
# dkms.conf's PACKAGE_VERSION, the project's one version: debian/changelog
# is written from it (a native package), dated by the last commit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

for tool in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$tool" > /dev/null || {
		echo "deb.sh: $tool is missing: sudo apt-get install --no-install-recommends build-essential debhelper dh-dkms dpkg-dev lintian" >&2
		exit 1
	}
done

git rev-parse --git-dir > /dev/null 2>&1 ||
	{ echo "deb.sh: not a git checkout: the packages hold the files git knows" >&2; exit 1; }

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
[ -n "$ver" ] || { echo "deb.sh: dkms.conf has no PACKAGE_VERSION" >&2; exit 1; }
out=$DAXLITE_BUILD/deb
stage=$out/daxlite-$ver
start=$(date +%s)

rm -rf "$out"
mkdir -p "$stage"
git ls-files -z --cached --others --exclude-standard -- . ':!packaging/debian' |
	while IFS= read -r -d '' f; do
		[ -e "$f" ] && printf '%s\0' "$f"
	done | tar cf - --null -T - | tar xf - -C "$stage"
cp -r packaging/debian "$stage/debian"

maint=$(sed -n 's/^Maintainer: //p' packaging/debian/control)
date=$(git log -1 --format=%cD 2>/dev/null || date -R)
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
cat > "$stage/debian/changelog" <<CHANGELOG
daxlite ($ver) unstable; urgency=medium

  * Built from the daxlite source tree at $rev.

 -- $maint  $date
CHANGELOG

(cd "$stage" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed; see $out/build.log" >&2
	exit 1
}
built=$(($(date +%s) - start))

changes=$(ls "$out"/daxlite_"${ver}"_*.changes)
echo "deb.sh: built in ${built}s:"
(cd "$out" && ls -l ./*.deb)
for deb in "$out"/*.deb; do
	echo "== $(basename "$deb")"
	dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\|Recommends\):/  \1:/p'
	dpkg-deb --contents "$deb" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print "  " $0 }' |
		grep -v '/$'
done

echo "== lintian $(basename "$changes")"
lintian --info --display-info --fail-on error,warning "$changes" | tee "$out/lintian.txt"
rc=${PIPESTATUS[0]}
[ -s "$out/lintian.txt" ] || echo "lintian: no tags"
echo "deb.sh: build ${built}s, lintian $(($(date +%s) - start - built))s"
exit "$rc"
