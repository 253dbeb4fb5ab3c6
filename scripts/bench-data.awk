# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench.sh: the data paths' table (rw and mmap rows), each path
# against its stock peer and the memcpy ceiling; with bench-lib.awk.
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
}
