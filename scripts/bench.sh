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
awk -v accel="${accel:-?}" '
function val(line, key,    n, i, kv) {
	n = split(line, kv, " ")
	for (i = 1; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return ""
}
function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "-" }
$1 == "memcpy" { memcpy = val($0, "copy") }
$1 != "rw" && $1 != "mmap" { next }
{ kind[NR] = $1; name[NR] = $2; line[NR] = $0; row[$1 " " $2] = $0 }
END {
	peer["mmap dax_chardev"] = "device_dax"
	peer["mmap famfs_lite"] = "ext4-dax"
	peer["rw dax_chardev"] = "pmem"
	peer["rw dax_blk"] = "pmem"
	peer["rw famfs_lite"] = "ext4-dax"
	printf "daxlite benchmark: one %s guest, 128 MiB per test, MB/s (higher is better)\n", accel
	printf "the ceiling: memcpy between two anonymous buffers in the same boot, %s MB/s\n\n", memcpy
	printf "%-5s %-12s %12s %8s %8s %10s %7s %17s   %s\n", "kind", "path", "first-write",
	       "write", "read", "sync-ms", "faults", "vs memcpy (w, r)", "vs stock peer (write, read)"
	for (i = 1; i <= NR; i++) {
		if (!(i in kind))
			continue
		k = kind[i] " " name[i]
		p = (k in peer) ? row[kind[i] " " peer[k]] : ""
		vs = p == "" ? "" : sprintf("%s: %s, %s", peer[k],
			ratio(val(line[i], "write"), val(p, "write")),
			ratio(val(line[i], "read"), val(p, "read")))
		printf "%-5s %-12s %12s %8s %8s %10s %7s %17s   %s\n", kind[i], name[i],
		       val(line[i], "first_write"), val(line[i], "write"),
		       val(line[i], "read"), val(line[i], "msync_ms") val(line[i], "fsync_ms"),
		       val(line[i], "faults"), ratio(val(line[i], "write"), memcpy) ", " \
		       ratio(val(line[i], "read"), memcpy), vs
	}
}' "$raw"

# Allocation (ms per file, fallocate of a new file) and cp of 64 MiB (ms),
# famfs_lite against ext4 -o dax, which reserves without zeroing.
echo
awk '
function val(line, key,    n, i, kv) {
	n = split(line, kv, " ")
	for (i = 1; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return ""
}
$1 == "faults" { faults = val($0, "faults") }
$1 == "memcpy" { memcpy = val($0, "copy") }
$1 != "alloc" && $1 != "copy" { next }
{ n++; fs[n] = $2; what[n] = $3; ms[n] = val($0, "ms"); mb[n] = val($0, "mbps")
  if ($2 == "ext4-dax") ext4[$3] = ms[n] }
END {
	if (!n)
		exit
	printf "allocation and copy, ms (lower is better); ext4 -o dax does not zero at allocation;\n"
	printf "alloc: per file; cp-64M: one file; cp-tree-1000: busybox cp -r of 1,000 files of 4 KiB\n"
	printf "in 10 directories from tmpfs (famfs_lite: on dax1, ext4: on daxblk1)\n\n"
	printf "%-22s %-12s %10s   %-11s %s\n", "file system", "what", "ms", "vs ext4-dax",
	       "MB/s, vs memcpy"
	for (i = 1; i <= n; i++) {
		l = sprintf("%-22s %-12s %10s   %-11s %s", fs[i], what[i], ms[i],
			    (ext4[what[i]] > 0 ? sprintf("%.2fx", ms[i] / ext4[what[i]]) : "-"),
			    (mb[i] != "" && memcpy > 0 ? sprintf("%s, %.2fx", mb[i], mb[i] / memcpy) : ""))
		sub(/ +$/, "", l)
		print l
	}
	if (faults != "")
		printf "\nfaults to read a 64 MiB famfs_lite file written by cp: %s\n", faults
}' "$raw"
awk -f scripts/bench-tables.awk "$raw"
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
