#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Resolve a kernel name to the exact Debian amd64 kernel of that name, by
# asking the archive now (never a hard-coded ABI number):
#   6.1     bookworm's newest linux-image-6.1.*-amd64
#   6.12    trixie's newest linux-image-6.12.*-amd64
#   newest  the highest linux-image-*-amd64 of trixie-backports or sid
#   KREL    that exact release (e.g. 6.12.118+deb13-amd64), from any suite
# Prints one line:
#   NAME SUITE KREL PACKAGE...
# SUITE is where the kernel comes from (the suite its headers and the
# compiler for them come from too); the packages are the image and, for
# the split 7.x packaging, what the image depends on of the same release
# (linux-binary[-unsigned]-KREL, linux-modules-KREL, linux-base-KREL).
#
# The apt indexes live in a private apt configuration under
# $DAXLITE_CACHE/apt (the host's sources are never touched) and are
# refreshed when older than a day.  `kernels.sh apt ARGS...` runs apt-get
# with that configuration, e.g. to download the packages it printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Only Debian's archive is reachable; DAXLITE_MIRROR may point elsewhere.
mirror=${DAXLITE_MIRROR:-http://deb.debian.org/debian}
security=${DAXLITE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
apt_dir=$DAXLITE_CACHE/apt

apt_opts=(
	-o "Dir::Etc::sourcelist=$apt_dir/sources.list"
	-o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
	-o "Dir::Etc::preferencesparts=$apt_dir/preferences.d"
	-o "Dir::State=$apt_dir/state"
	-o "Dir::State::status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir/cache"
	-o APT::Architecture=amd64
	-o APT::Architectures::=amd64
	-o Acquire::Languages=none
	-o Debug::NoLocking=1
)
[ "$(id -u)" = 0 ] && apt_opts+=(-o APT::Sandbox::User=root)

# Write the private configuration and refresh its indexes once a day.
# Guests started together (two-hosts.sh) each get here: one at a time.
apt_refresh() {
	mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" \
		"$apt_dir/sources.list.d" "$apt_dir/preferences.d"
	(
		flock 9
		apt_refresh_locked
	) 9> "$apt_dir/refresh.lock"
}

apt_refresh_locked() {
	touch "$apt_dir/status"
	cat > "$apt_dir/sources.list.new" <<-EOF
	deb [signed-by=$keyring] $mirror bookworm main
	deb [signed-by=$keyring] $mirror bookworm-updates main
	deb [signed-by=$keyring] $security bookworm-security main
	deb [signed-by=$keyring] $mirror trixie main
	deb [signed-by=$keyring] $mirror trixie-updates main
	deb [signed-by=$keyring] $security trixie-security main
	deb [signed-by=$keyring] $mirror trixie-backports main
	deb [signed-by=$keyring] $mirror sid main
	EOF
	if ! cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list"; then
		mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
		rm -f "$apt_dir/stamp"
	else
		rm -f "$apt_dir/sources.list.new"
	fi
	if [ -z "$(find "$apt_dir/stamp" -mmin -1440 2>/dev/null)" ]; then
		apt-get -qq "${apt_opts[@]}" update >&2
		touch "$apt_dir/stamp"
	fi
}

# index SUITE...: the amd64 Packages indexes of those suites, as text
# (apt may keep them compressed: apt-helper reads any of its formats).
index() {
	local s f
	for s in "$@"; do
		for f in "$apt_dir"/state/lists/*_dists_"${s}"_main_binary-amd64_Packages*; do
			[ -e "$f" ] && /usr/lib/apt/apt-helper cat-file "$f"
		done
	done
	return 0
}

# images SUITE...: "KREL SUITE" for every generic amd64 kernel image of
# those suites (not -rt, -cloud, -dbg, -unsigned, nor the meta packages).
images() {
	local s
	for s in "$@"; do
		index "$s" | sed -n 's/^Package: linux-image-\([0-9][0-9.]*[-+][^ ]*-amd64\)$/\1/p' |
			{ grep -Ev -- '-(rt|cloud)-amd64$' || true; } | sed "s/\$/ $s/"
	done
}

# The image's own dependencies of the same release (the 7.x split), first
# alternative each, since an unsigned kernel boots as well in QEMU.
image_packages() {
	local krel=$1 suite=$2
	echo "linux-image-$krel"
	index "$suite" | awk -v p="linux-image-$krel" '
		/^Package: / { hit = ($2 == p) }
		hit && /^Depends: / { sub(/^Depends: /, ""); print; exit }' |
		tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' |
		grep -F -- "$krel" | grep -vx "linux-image-$krel" || true
}

# Prefer the suite whose compiler is older (trixie-backports over sid) for
# one release: its headers then build with trixie's gcc.
pick() {
	sort -k1,1V | awk '!($1 in best) || best[$1] ~ / sid$/ { best[$1] = $0 } { k = $1 }
		END { if (k != "") print best[k] }'
}

if [ "${1:-}" = apt ]; then
	shift
	apt_refresh
	exec apt-get "${apt_opts[@]}" "$@"
fi

name=${1:?usage: kernels.sh 6.1|6.12|newest|KREL}
apt_refresh
case $name in
6.1)
	line=$(images bookworm bookworm-updates bookworm-security | grep '^6\.1\.' | pick) ;;
6.12)
	line=$(images trixie trixie-updates trixie-security | grep '^6\.12\.' | pick) ;;
newest)
	line=$(images trixie-backports sid | pick) ;;
*-amd64)
	line=$(images bookworm bookworm-updates bookworm-security trixie trixie-updates \
		trixie-security trixie-backports sid | awk -v k="$name" '$1 == k' | pick) ;;
*)
	echo "kernels.sh: unknown kernel name '$name' (6.1, 6.12, newest)" >&2
	exit 2 ;;
esac
[ -n "$line" ] || { echo "kernels.sh: no $name kernel in the archive" >&2; exit 1; }
krel=${line% *}
suite=${line#* }
echo "$name $suite $krel $(image_packages "$krel" "$suite" | sort -u | tr '\n' ' ' | sed 's/ $//')"
