# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench.sh: the tables of the figures issue 14 and 15 asked for,
# from the "KIND NAME key=value..." lines of tests/guest/bench.sh.  It
# prints numbers and ratios; it judges nothing.  With bench-lib.awk.

$1 == "memcpy" { memcpy = val($0, "copy") }
$1 == "touch" { nt++; touch[nt] = $0 }
$1 == "meta" { nm++; meta[nm] = $0; metafs[$2] = $0 }
$1 == "replay" { nr++; replay[nr] = $0 }
$1 == "fsync" { nf++; fsy[nf] = $0; fsyfs[$2] = $0 }
$1 == "space" { ns++; space[ns] = $0 }

END {
	if (nt) {
		printf "\nfault cost: map 128 MiB shared, read one byte per 4 KiB (every fault), ms per 2 MiB\n"
		printf "(lower is better, best of three mappings); memcpy of 2 MiB at the ceiling above\n"
		printf "takes %.3f ms\n\n",
		       (memcpy > 0 ? 2 / memcpy * 1000 : 0)
		printf "%-12s %12s %10s %14s   %s\n", "path", "ms-per-2MiB", "faults",
		       "faults-per-2MiB", "vs device_dax"
		for (i = 1; i <= nt; i++) {
			split(touch[i], f, " ")
			if (f[2] == "device_dax")
				dd = val(touch[i], "ms_per_2m")
		}
		for (i = 1; i <= nt; i++) {
			split(touch[i], f, " ")
			printf "%-12s %12s %10s %14.1f   %s\n", f[2], val(touch[i], "ms_per_2m"),
			       val(touch[i], "faults"), val(touch[i], "faults") / 64,
			       ratio(val(touch[i], "ms_per_2m"), dd)
		}
	}
	if (nm) {
		split(meta[1], f, " ")
		printf "\nmetadata: %s empty files in one directory, operations per second (higher is\n", val(meta[1], "n")
		printf "better); famfs_lite on dax1, ext4 and xfs -o dax on daxblk1 (dax_blk), tmpfs in RAM\n\n"
		printf "%-12s %9s %9s %9s %9s   %s\n", "file system", "creates", "stats",
		       "renames", "unlinks", "log compactions during the run"
		for (i = 1; i <= nm; i++) {
			split(meta[i], f, " ")
			printf "%-12s %9s %9s %9s %9s   %s\n", f[2], val(meta[i], "creates"),
			       val(meta[i], "stats"), val(meta[i], "renames"),
			       val(meta[i], "unlinks"), val(meta[i], "compactions")
		}
		if ("famfs_lite" in metafs) {
			me = metafs["famfs_lite"]
			printf "\nfamfs_lite against each peer (creates, stats, renames, unlinks):\n"
			for (i = 1; i <= nm; i++) {
				split(meta[i], f, " ")
				if (f[2] == "famfs_lite")
					continue
				printf "  vs %-10s %s %s %s %s\n", f[2],
				       ratio(val(me, "creates"), val(meta[i], "creates")),
				       ratio(val(me, "stats"), val(meta[i], "stats")),
				       ratio(val(me, "renames"), val(meta[i], "renames")),
				       ratio(val(me, "unlinks"), val(meta[i], "unlinks"))
			}
		}
	}
	if (nr) {
		printf "\nfamfs_lite mount (the replay of the whole log) and fsck.famfs_lite, ms (lower\n"
		printf "is better, best of three each), on dax1; full-log: renames of the 10,000 files\n"
		printf "up to 16 slots short of the log area; compacted: after mount -o remount,compact\n\n"
		printf "%-12s %8s %9s %9s %12s %9s %12s %8s\n", "log", "entries", "capacity",
		       "mount-ms", "mount-us/ent", "fsck-ms", "fsck-us/ent", "fsck-rc"
		for (i = 1; i <= nr; i++) {
			split(replay[i], f, " ")
			e = val(replay[i], "entries")
			printf "%-12s %8s %9s %9s %12.2f %9s %12.2f %8s\n", f[3], e,
			       val(replay[i], "capacity"), val(replay[i], "mount_ms"),
			       (e > 0 ? val(replay[i], "mount_ms") * 1000 / e : 0),
			       val(replay[i], "fsck_ms"),
			       (e > 0 ? val(replay[i], "fsck_ms") * 1000 / e : 0),
			       val(replay[i], "rc")
		}
	}
	if (nf) {
		printf "\nfsync of a 1 GiB file mapped shared, every page written, ms (lower is better):\n"
		printf "after dirtying all of it (once), then 1, 16 and 128 MiB through the mapping (best\n"
		printf "of three each)\n\n"
		printf "%-12s %10s %10s %10s %10s\n", "file system", "1024 MiB", "1 MiB",
		       "16 MiB", "128 MiB"
		for (i = 1; i <= nf; i++) {
			split(fsy[i], f, " ")
			printf "%-12s %10s %10s %10s %10s\n", f[2], val(fsy[i], "d1024"),
			       val(fsy[i], "d1"), val(fsy[i], "d16"), val(fsy[i], "d128")
		}
		if (("famfs_lite" in fsyfs) && ("ext4-dax" in fsyfs)) {
			me = fsyfs["famfs_lite"]
			pe = fsyfs["ext4-dax"]
			printf "%-12s %10s %10s %10s %10s\n", "famfs/ext4", ratio(val(me, "d1024"), val(pe, "d1024")),
			       ratio(val(me, "d1"), val(pe, "d1")), ratio(val(me, "d16"), val(pe, "d16")),
			       ratio(val(me, "d128"), val(pe, "d128"))
		}
	}
	if (ns) {
		printf "\nused space for files of 4 KiB (statfs before and after, 10,000 asked for;\n"
		printf "famfs_lite, format 3: 4 KiB blocks below 2 MiB; where one stops, the reason)\n\n"
		printf "%-12s %8s %12s %14s %22s\n", "file system", "files", "used-KiB",
		       "KiB-per-file", "10,000 files would use"
		for (i = 1; i <= ns; i++) {
			split(space[i], f, " ")
			m = val(space[i], "made")
			u = val(space[i], "used_kib")
			printf "%-12s %8s %12s %14.1f %18.0f MiB%s\n", f[2], m, u,
			       (m > 0 ? u / m : 0), (m > 0 ? u / m * 10000 / 1024 : 0),
			       (val(space[i], "stopped") != "" ? " (" val(space[i], "stopped") ")" : "")
		}
	}
}
