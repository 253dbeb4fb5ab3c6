# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench.sh: allocation (ms per file, fallocate of a new file) and
# cp, famfs_lite against ext4 -o dax, which reserves without zeroing; with
# bench-lib.awk.
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
}
