#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: boot the stock kernel in QEMU with one NVDIMM cut into six
# namespaces, measure each daxlite path next to its stock peer in that
# same boot (tests/guest/bench.sh, tests/helpers/daxbench.c) and print
# tables with the ratios, then plot the metadata figures with gnuplot
# (skipped, said so, where gnuplot is missing).  Numbers from a TCG guest
# say how the paths compare with each other, not what the hardware does.
#   bench.sh          tables on stdout, the plot in build/bench.png
#   bench.sh --docs   the same, then write the tables, the machine and the
#                     plot into docs/performance.md and docs/performance.png
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"
docs=
[ "${1:-}" = --docs ] && docs=1

[ "${DAXLITE_BENCH_NO_DEPS:-}" ] || scripts/install-deps.sh
make -s all test-helpers
# The NVDIMM's backing file lives in tmpfs where there is room: on a disk
# file system, 5 GiB of shared dirty pages pass the host's writeback
# threshold, and every guest store to a page the host wrote back takes a
# host fault again, which slows the first figures several times over.
img=$DAXLITE_BUILD/nv-bench.img
if [ -w /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -n 1)" -gt $((6 << 20)) ]; then
	img=/dev/shm/daxlite-nv-bench-$$.img
fi
nvwhere=$(df --output=fstype "$(dirname "$img")" | tail -n 1)
rm -f "$img"
trap 'rm -f "$img"' EXIT
out=$(DAXLITE_RESULTS= tests/vm/run-guest.sh -m 2G -T 600 -P -n "$img:5G" bench) || true
rm -f "$img"
if grep -q '^ *FAIL' <<< "$out"; then
	echo "$out"
	echo "bench: a measurement failed; see build/logs/bench.log"
	exit 1
fi
accel=$(sed -n 's/.*: [0-9]*s under \([a-z]*\),.*/\1/p' <<< "$out" | head -n 1)
raw=$DAXLITE_BUILD/bench-raw.txt
sed -n 's/^ *| BENCH: //p' <<< "$out" > "$raw"

tables() {

# One row per measurement; ratios against the stock peer of each path.
awk -v accel="${accel:-?}" -f scripts/bench-lib.awk -f scripts/bench-data.awk "$raw"

echo
awk -f scripts/bench-lib.awk -f scripts/bench-alloc.awk "$raw"
awk -f scripts/bench-lib.awk -f scripts/bench-tables.awk "$raw"
}

result=$(tables)
echo "$result"

# One plot from the numbers above: mount and fsck time against the log's
# entries, and the metadata operations per second of each file system.
png=$DAXLITE_BUILD/bench.png
[ -z "$docs" ] || png=docs/performance.png
plot() {
	local d
	d=$(mktemp -d)
	awk '$1 == "replay" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["entries"], v["mount_ms"], v["fsck_ms"] > (d "/" ($3 == "compacted" ? "compacted" : "replay") ".dat")
	}' d="$d" "$raw"
	sort -n -o "$d/replay.dat" "$d/replay.dat"
	awk '$1 == "meta" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print $2, v["creates"], v["stats"], v["renames"], v["unlinks"]
	}' "$raw" > "$d/meta.dat"
	gnuplot <<- EOF
	set terminal pngcairo size 1100,450 font ",10" noenhanced
	set output "$png"
	set multiplot layout 1,2 title "daxlite make bench, one QEMU ${accel:-?} guest (paths compared, not hardware), $(date -u +%Y-%m-%d)"
	set title "famfs_lite: mount (log replay) and fsck time"
	set xlabel "committed log entries"
	set ylabel "ms"
	set key top left
	set xrange [0:*]
	set yrange [0:*]
	set grid
	plot "$d/replay.dat" using 1:2 with linespoints lc 1 pt 7 title "mount", \\
	     "$d/replay.dat" using 1:3 with linespoints lc 2 pt 5 title "fsck.famfs_lite", \\
	     "$d/compacted.dat" using 1:2 with points lc 1 pt 6 ps 2 title "mount, after compaction", \\
	     "$d/compacted.dat" using 1:3 with points lc 2 pt 4 ps 2 title "fsck, after compaction"
	set title "metadata, $(awk '$1 == "meta" { sub("n=", "", $3); print $3; exit }' "$raw") files in one directory"
	set xlabel ""
	set ylabel "operations per second (log scale)"
	set autoscale xy
	set logscale y
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set key outside bottom center horizontal
	unset grid
	set grid ytics
	plot "$d/meta.dat" using 2:xtic(1) title "create", "" using 3 title "stat", \\
	     "" using 4 title "rename", "" using 5 title "unlink"
	unset multiplot
	EOF
	rm -rf "$d"
}
if command -v gnuplot > /dev/null; then
	plot && echo && echo "plot: $png"
else
	echo
	echo "plot: skipped, gnuplot is not installed (apt-get install gnuplot-nox)"
fi

[ -n "$docs" ] || exit 0
# docs/performance.md: the prose stays; what lies between the markers is
# this run's machine and tables.
md=docs/performance.md
krel=$(sed -n 's/.*GUEST-BEGIN: .* kernel=\([^ ]*\) .*/\1/p' "$DAXLITE_BUILD/logs/bench.log" | head -n 1)
gen=$(mktemp)
{
	echo "<!-- bench:begin (written by scripts/bench.sh --docs; do not edit by hand) -->"
	echo
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- Host: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores," \
	     "$(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, shared with other work"
	echo "- Guest: QEMU ${accel:-?} (\`-accel ${accel:-?}\`), 2 GiB RAM, one 5 GiB NVDIMM" \
	     "(memory-backend-file on the host's $nvwhere, preallocated), guest kernel $krel"
	echo "- daxlite: $(git describe --always --dirty)"
	echo
	echo '```'
	echo "$result"
	echo '```'
	echo
	echo "![mount and fsck time against log entries; metadata operations per second](performance.png)"
	echo
	echo "<!-- bench:end -->"
} > "$gen"
awk -v gen="$gen" '
/^<!-- bench:begin/ { while ((getline l < gen) > 0) print l; skip = 1; next }
/^<!-- bench:end/ { skip = 0; next }
!skip' "$md" > "$md.tmp"
mv "$md.tmp" "$md"
rm -f "$gen"
echo "wrote $md and $png"
