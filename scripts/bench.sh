#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: boot the stock kernel in QEMU with one NVDIMM cut into four
# namespaces, measure each daxlite path next to its stock peer in that
# same boot (tests/guest/bench.sh, tests/helpers/daxbench.c) and print a
# table with the ratios.  Numbers from a TCG guest say how the paths
# compare with each other, not what the hardware does.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

[ "${DAXLITE_BENCH_NO_DEPS:-}" ] || scripts/install-deps.sh
make -s all test-helpers
img=$DAXLITE_BUILD/nv-bench.img
rm -f "$img"
out=$(DAXLITE_RESULTS= tests/vm/run-guest.sh -m 2G -P -n "$img:1G" bench) || true
rm -f "$img"
if grep -q '^ *FAIL' <<< "$out"; then
	echo "$out"
	echo "bench: a measurement failed; see build/logs/bench.log"
	exit 1
fi
accel=$(sed -n 's/.*: [0-9]*s under \([a-z]*\),.*/\1/p' <<< "$out" | head -n 1)

# One row per measurement; ratios against the stock peer of each path.
sed -n 's/^ *| BENCH: //p' <<< "$out" | awk -v accel="${accel:-?}" '
function val(line, key,    n, i, kv) {
	n = split(line, kv, " ")
	for (i = 1; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return ""
}
function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "-" }
$1 == "alloc" || $1 == "copy" || $1 == "faults" { next }
{ kind[NR] = $1; name[NR] = $2; line[NR] = $0; row[$1 " " $2] = $0 }
END {
	peer["mmap dax_chardev"] = "device_dax"
	peer["mmap famfs_lite"] = "ext4-dax"
	peer["rw dax_chardev"] = "pmem"
	peer["rw dax_blk"] = "pmem"
	peer["rw famfs_lite"] = "ext4-dax"
	printf "daxlite benchmark: one %s guest, 128 MiB per test, MB/s (higher is better)\n\n", accel
	printf "%-5s %-12s %12s %8s %8s %10s %7s   %s\n", "kind", "path", "first-write",
	       "write", "read", "sync-ms", "faults", "vs stock peer (write, read)"
	for (i = 1; i <= NR; i++) {
		if (!(i in kind))
			continue
		k = kind[i] " " name[i]
		p = (k in peer) ? row[kind[i] " " peer[k]] : ""
		vs = p == "" ? "" : sprintf("%s: %s, %s", peer[k],
			ratio(val(line[i], "write"), val(p, "write")),
			ratio(val(line[i], "read"), val(p, "read")))
		printf "%-5s %-12s %12s %8s %8s %10s %7s   %s\n", kind[i], name[i],
		       val(line[i], "first_write"), val(line[i], "write"),
		       val(line[i], "read"), val(line[i], "msync_ms") val(line[i], "fsync_ms"),
		       val(line[i], "faults"), vs
	}
}'

# Allocation (ms per file, fallocate of a new file) and cp of 64 MiB (ms),
# famfs_lite against ext4 -o dax, which reserves without zeroing.
echo
sed -n 's/^ *| BENCH: //p' <<< "$out" | awk '
function val(line, key,    n, i, kv) {
	n = split(line, kv, " ")
	for (i = 1; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return ""
}
$1 == "faults" { faults = val($0, "faults") }
$1 != "alloc" && $1 != "copy" { next }
{ n++; fs[n] = $2; what[n] = $3; ms[n] = val($0, "ms"); if ($2 == "ext4-dax") ext4[$3] = ms[n] }
END {
	if (!n)
		exit
	printf "allocation and copy, ms (lower is better); ext4 -o dax does not zero at allocation\n\n"
	printf "%-22s %-12s %10s   %s\n", "file system", "what", "ms", "vs ext4-dax"
	for (i = 1; i <= n; i++)
		printf "%-22s %-12s %10s   %s\n", fs[i], what[i], ms[i],
		       (ext4[what[i]] > 0 ? sprintf("%.2fx", ms[i] / ext4[what[i]]) : "-")
	if (faults != "")
		printf "\nfaults to read a 64 MiB famfs_lite file written by cp: %s\n", faults
}'
