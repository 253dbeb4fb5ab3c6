#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every test of daxlite, as `make check` runs it: style and build checks on
# the host, then the guest suites in QEMU on the stock Debian kernel.
# Installs what it needs.  Ends with "N passed, N failed[, N skipped]" and
# exits non-zero if anything failed.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DAXLITE_ROOT"

"$DAXLITE_ROOT/scripts/install-deps.sh" || { echo "cannot install dependencies"; exit 1; }

# KERNELS: the stock kernels whose guest suites run (scripts/kernels.sh
# names); 6.1's runs as it always has, the others after it.
KERNELS=${KERNELS:-6.1 6.12 newest}
has_kernel() {
	[[ " $KERNELS " == *" $1 "* ]]
}

mkdir -p "$DAXLITE_BUILD/logs"
export DAXLITE_RESULTS=$DAXLITE_BUILD/results
: > "$DAXLITE_RESULTS"
KDIR=$(daxlite_kdir)
export KDIR

# host_case NAME COMMAND...: PASS if COMMAND succeeds; its output is kept
# in build/logs/NAME.log and shown on failure.
host_case() {
	local name=$1 log=$DAXLITE_BUILD/logs/${1//\//_}.log
	shift
	if "$@" > "$log" 2>&1; then
		record PASS "$name"
	else
		record FAIL "$name"
		tail -n 30 "$log" | sed 's/^/    | /'
	fi
}

# still_sparse IMAGE: the 64 GiB NVDIMM's backing file holds less than
# 4 GiB on disk (the memmap it carries is 1 GiB).
still_sparse() {
	local kib
	kib=$(du -k "$1" | cut -f1)
	echo "$1: $kib KiB on disk"
	[ "$kib" -lt $((4 * 1024 * 1024)) ]
}

# Build with W=1 and fail on any compiler warning.
build_w1() {
	make -s -C "$KDIR" M="$DAXLITE_ROOT" clean && make W=1 2>&1 | tee /dev/stderr | { ! grep -E 'warning:|error:'; }
}

# sparse over every file (C=2), failing on anything it reports.
sparse_all() {
	make C=2 2>&1 | tee /dev/stderr | { ! grep -E '(warning|error):'; }
}

kernel_doc_all() {
	"$DAXLITE_ROOT/scripts/kernel-doc-check.sh" $(git ls-files '*.c')
}

checkpatch_all() {
	"$DAXLITE_ROOT/scripts/checkpatch.sh" $(git ls-files '*.c' '*.h')
}

# One version everywhere: dkms.conf's, in every module's modinfo.
version_consistent() {
	local v m
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
	[ -n "$v" ] || { echo "dkms.conf has no PACKAGE_VERSION"; return 1; }
	for m in dax_core/dax_core.ko dax_blk/dax_blk.ko dax_chardev/dax_chardev.ko \
		 famfs_lite/famfs_lite.ko; do
		[ "$(/sbin/modinfo -F version "$m")" = "$v" ] || { echo "$m is not at $v"; return 1; }
	done
}

# make install puts every file in place under DESTDIR; uninstall takes
# them all away again.
install_uninstall() {
	local d=$DAXLITE_BUILD/install-test
	rm -rf "$d"
	make install DESTDIR="$d" &&
	for f in usr/local/sbin/mkfs.famfs_lite usr/local/sbin/fsck.famfs_lite \
		 usr/local/sbin/daxlite-ctl \
		 usr/local/share/man/man8/mkfs.famfs_lite.8 \
		 usr/local/share/man/man8/fsck.famfs_lite.8 \
		 usr/local/share/man/man8/daxlite-ctl.8 \
		 etc/udev/rules.d/60-daxlite.rules \
		 usr/local/share/doc/daxlite/examples/modprobe.d/daxlite.conf \
		 usr/local/share/doc/daxlite/examples/modules-load.d/daxlite.conf; do
		[ -s "$d/$f" ] || { echo "missing: $f"; return 1; }
	done &&
	"$d/usr/local/sbin/mkfs.famfs_lite" --help > /dev/null &&
	make uninstall DESTDIR="$d" &&
	[ -z "$(find "$d" -type f)" ]
}

build_helpers() {
	make test-modules test-helpers
}

# selftest SUITE ERE [RUN-GUEST OPTIONS]: a deliberately broken guest run
# must be reported with a FAIL line matching ERE.
selftest() {
	local suite=$1 want=$2 out
	shift 2
	out=$(DAXLITE_RESULTS= tests/vm/run-guest.sh -q "$@" "$suite")
	echo "$out"
	grep -E "^FAIL $suite/$want" <<< "$out"
}

# The checkpatch wrapper must fail on a file with a known finding.
checkpatch_catches() {
	local bad=$DAXLITE_BUILD/checkpatch-selftest.c
	printf '// SPDX-License-Identifier: GPL-2.0-only\nint f(void)\n{\n\treturn 0 ;\n}\n' > "$bad"
	! scripts/checkpatch.sh "$bad"
}

# The kernel-doc check must fail on an export without a comment.
kernel_doc_catches() {
	local bad=$DAXLITE_BUILD/kernel-doc-selftest.c
	printf 'int f(int a)\n{\n\treturn a;\n}\nEXPORT_SYMBOL_GPL(f);\n' > "$bad"
	! scripts/kernel-doc-check.sh "$bad"
}

echo "== host: style and build"
host_case harness/checkpatch-catches-findings checkpatch_catches
host_case harness/kernel-doc-check-catches-missing kernel_doc_catches
host_case host/checkpatch-strict checkpatch_all
host_case host/kernel-doc-on-every-export kernel_doc_all
host_case host/sparse-clean sparse_all
host_case host/build-w1-clean build_w1
host_case host/version-consistent version_consistent
host_case host/dax-bus-layout-matches-linux-source tests/layout-check.sh
host_case host/build-test-helpers build_helpers
host_case host/deb-build-lintian-clean scripts/deb.sh
host_case host/dkms-deb-install-purge-and-source-tree tests/dkms-test.sh 6.1
host_case host/make-install-uninstall install_uninstall
host_case host/store-recording-off-by-default tests/record-off-by-default.sh
host_case host/fsck-crafted-images-at-the-format-granule tests/fsck-host.sh

echo "== harness: a broken guest run is reported as failed"
host_case harness/catches-kernel-warning selftest selftest_warning 'kernel-log-clean'
host_case harness/catches-panic selftest selftest_panic 'boot: kernel panic'
host_case harness/catches-hang selftest selftest_hang 'boot: guest watchdog fired' -T 20

if has_kernel 6.1; then
echo "== guest: dax_core + dax_blk"
# memmap=2M$0xc7e00000 reserves, besides RAM, the guest firmware's ACPI
# tables (the top of low memory), which dax_core must refuse to serve.
# log_buf_len: rmmod races a flood of detach writes, each logged.
tests/vm/run-guest.sh -a 'memmap=1G$0x80000000 memmap=2M$0xc7e00000 log_buf_len=32M' dax_blk

echo "== guest: dax_chardev"
tests/vm/run-guest.sh -a 'memmap=1G$0x80000000' dax_chardev

echo "== guest: famfs_lite"
tests/vm/run-guest.sh -T 600 -a 'memmap=1G$0x80000000' famfs_lite

echo "== guest: famfs_lite's 4 KiB blocks for small files, on 4 GiB above low memory"
tests/vm/run-guest.sh -T 600 -m 7G -a 'memmap=4G$0x100000000' famfs_lite_small

echo "== guest: famfs_lite image fuzzer, 300 images of seed 1 and 60 of a format 2 base (make fuzz runs 10,000)"
tests/vm/run-guest.sh -a 'memmap=1G$0x80000000' -g 300 fuzz

echo "== guest: crash points of the famfs_lite log: every flush point of 1,000 operations (make crash samples more)"
# The modules with dax_core's test-only store recording (DAXL_RECORD=1).
build_record() {
	rm -rf "$DAXLITE_BUILD/mods-record"
	DAXL_RECORD=1 scripts/build-modules.sh 6.1 "$DAXLITE_BUILD/mods-record" &&
	/sbin/modinfo -F parm "$DAXLITE_BUILD/mods-record/dax_core/dax_core.ko" | grep -q '^record_max_mb:' &&
	! grep -E 'warning:|error:' "$DAXLITE_BUILD/mods-record/build.log"
}
host_case host/build-with-store-recording build_record
tests/vm/run-guest.sh -T 1800 -K "$DAXLITE_BUILD/mods-record" -a 'memmap=128M$0x80000000' \
	-g 1000-50-20-1 crash

echo "== guests: 3 power cuts during a metadata workload on an NVDIMM (make crash: 50)"
tests/power-cut.sh -n 3

echo "== guest: NVDIMM namespaces through dax_chardev"
rm -f "$DAXLITE_BUILD/nv-test.img"
# slub_debug: opens race detaches; a use of freed memory hits poison.
# log_buf_len: each refused detach is logged.
tests/vm/run-guest.sh -m 2G -a 'slub_debug=FZPU log_buf_len=32M' -n "$DAXLITE_BUILD/nv-test.img:512M" nvdimm

echo "== guest: an fsdax namespace's /dev/pmemN served as /dev/daxN"
rm -f "$DAXLITE_BUILD/nv-fsdax.img"
tests/vm/run-guest.sh -m 2G -n "$DAXLITE_BUILD/nv-fsdax.img:512M" nvdimm_fsdax

echo "== guest: a devdax namespace's /dev/dax0.0 taken from device_dax as /dev/daxN"
rm -f "$DAXLITE_BUILD/nv-devdax.img"
tests/vm/run-guest.sh -m 2G -n "$DAXLITE_BUILD/nv-devdax.img:512M" nvdimm_devdax

echo "== guest: two views of one NVDIMM, as a writer and a reader host"
rm -f "$DAXLITE_BUILD/nv-alias.img"
tests/vm/run-guest.sh -m 2G -n "$DAXLITE_BUILD/nv-alias.img:512M" -A nvdimm_alias

echo "== guest: a 64 GiB NVDIMM in a 4 GiB guest, struct pages on the device (map=dev)"
rm -f "$DAXLITE_BUILD/nv-big.img"
tests/vm/run-guest.sh -T 600 -m 4G -n "$DAXLITE_BUILD/nv-big.img:64G" nvdimm_big
host_case nvdimm_big/backing-file-stays-sparse still_sparse "$DAXLITE_BUILD/nv-big.img"
rm -f "$DAXLITE_BUILD/nv-big.img"

echo "== guest: famfs_lite on an NVDIMM, written, powered off, read after reboot"
rm -f "$DAXLITE_BUILD/nv-persist.img"
tests/vm/run-guest.sh -q -m 2G -n "$DAXLITE_BUILD/nv-persist.img:512M" -g write nvdimm_share
tests/vm/run-guest.sh -q -m 2G -n "$DAXLITE_BUILD/nv-persist.img:512M" -g read nvdimm_share

echo "== guests: two hosts on one NVDIMM, a writer and a read-only reader"
tests/two-hosts.sh

echo "== guests: famfs_lite log compaction killed at random moments, 5 boots (crash points cover each store)"
tests/compact-crash.sh 5

echo "== guest: modules DKMS built from the daxlite-dkms package, modprobe and mount only"
tests/vm/run-guest.sh -a 'memmap=1G$0x80000000' -U "$DAXLITE_BUILD/dkms-modules@6.1" dkms_modprobe

fi

# other_kernel NAME: build the modules for that stock kernel in its root
# (W=1, no warning), then boot it with them for every guest suite but the
# fuzzer, the benchmarks and KUnit; the DKMS suite boots the modules DKMS
# built from the daxlite-dkms package in that root.  Names are prefixed:
# host@NAME/..., SUITE@NAME/CASE.
# The build runs sparse too (C=1, sparse from the root's suite): a
# finding is a warning like any other.  A kernel's Kbuild may refuse that
# sparse (7.x wants one that knows __typeof_unqual__; trixie's does not):
# then sparse-ran is a skip, said so.
build_w1_other() {
	rm -rf "$2"
	"$DAXLITE_ROOT/scripts/build-modules.sh" -C "$1" "$2" && ! grep -E 'warning:|error:' "$2/build.log"
}

other_kernel() {
	local k=$1 mods=$DAXLITE_BUILD/mods-$1 img start
	start=$(date +%s)
	echo "== host@$k: modules built with W=1 and sparse for $("$DAXLITE_ROOT/scripts/kernels.sh" "$k" | cut -d' ' -f3)"
	host_case "host@$k/build-w1-sparse-clean" build_w1_other "$k" "$mods"
	if grep -q 'specified, but sparse is not available or not up to date' "$mods/build.log"; then
		echo "SKIP host@$k/sparse-ran: this kernel's Kbuild refuses the build root's sparse (too old)"
		record SKIP "host@$k/sparse-ran"
	elif grep -q '^  CHECK ' "$mods/build.log"; then
		record PASS "host@$k/sparse-ran"
	else
		record FAIL "host@$k/sparse-ran"
	fi
	host_case "host@$k/dax-bus-layout-matches-linux-source" tests/layout-check.sh "$k"
	if [ ! -s "$mods/dax_core/dax_core.ko" ]; then
		record FAIL "host@$k/guest-suites-not-run"
		return
	fi
	run() {
		tests/vm/run-guest.sh -V "$k" -K "$mods" "$@"
	}
	echo "== guest@$k: dax_core + dax_blk"
	run -a 'memmap=1G$0x80000000 memmap=2M$0xc7e00000 log_buf_len=32M' dax_blk
	echo "== guest@$k: dax_chardev"
	run -a 'memmap=1G$0x80000000' dax_chardev
	echo "== guest@$k: famfs_lite"
	run -T 600 -a 'memmap=1G$0x80000000' famfs_lite
	echo "== guest@$k: famfs_lite's 4 KiB blocks for small files"
	run -T 600 -m 7G -a 'memmap=4G$0x100000000' famfs_lite_small
	for img in nv-test nv-fsdax nv-devdax nv-alias nv-big nv-persist; do
		rm -f "$DAXLITE_BUILD/$img@$k.img"
	done
	echo "== guest@$k: NVDIMM namespaces through dax_chardev"
	run -m 2G -a 'slub_debug=FZPU log_buf_len=32M' -n "$DAXLITE_BUILD/nv-test@$k.img:512M" nvdimm
	echo "== guest@$k: an fsdax namespace's /dev/pmemN served as /dev/daxN"
	run -m 2G -n "$DAXLITE_BUILD/nv-fsdax@$k.img:512M" nvdimm_fsdax
	echo "== guest@$k: a devdax namespace's /dev/dax0.0 taken from device_dax as /dev/daxN"
	run -m 2G -n "$DAXLITE_BUILD/nv-devdax@$k.img:512M" nvdimm_devdax
	echo "== guest@$k: two views of one NVDIMM"
	run -m 2G -n "$DAXLITE_BUILD/nv-alias@$k.img:512M" -A nvdimm_alias
	echo "== guest@$k: a 64 GiB NVDIMM in a 4 GiB guest (map=dev)"
	run -T 600 -m 4G -n "$DAXLITE_BUILD/nv-big@$k.img:64G" nvdimm_big
	host_case "nvdimm_big@$k/backing-file-stays-sparse" still_sparse "$DAXLITE_BUILD/nv-big@$k.img"
	rm -f "$DAXLITE_BUILD/nv-big@$k.img"
	echo "== guest@$k: famfs_lite on an NVDIMM, written, powered off, read after reboot"
	run -q -m 2G -n "$DAXLITE_BUILD/nv-persist@$k.img:512M" -g write nvdimm_share
	run -q -m 2G -n "$DAXLITE_BUILD/nv-persist@$k.img:512M" -g read nvdimm_share
	echo "== guests@$k: two hosts on one NVDIMM, a writer and a read-only reader"
	tests/two-hosts.sh -V "$k" -K "$mods"
	# The source-tree path (dkms.sh) is the same on every kernel: 6.1's
	# host case runs it.
	echo "== host@$k: daxlite-dkms installed with apt in the $k build root"
	host_case "host@$k/dkms-deb-install-purge" tests/dkms-test.sh -P "$k"
	echo "== guest@$k: modules DKMS built from the daxlite-dkms package, modprobe and mount only"
	tests/vm/run-guest.sh -V "$k" -a 'memmap=1G$0x80000000' -U "$DAXLITE_BUILD/dkms-modules@$k" dkms_modprobe
	echo "== $k took $(($(date +%s) - start))s"
}

for k in $KERNELS; do
	[ "$k" = 6.1 ] || other_kernel "$k"
done

if has_kernel 6.1; then
echo "== bench: each daxlite path against its stock peer (numbers, never judged)"
# The case passes if every row was measured; the table is for reading.
bench_rows() {
	DAXLITE_BENCH_NO_DEPS=1 scripts/bench.sh | tee "$DAXLITE_BUILD/bench.txt"
	[ "$(grep -cE '^(rw|mmap) ' "$DAXLITE_BUILD/bench.txt")" = 9 ] &&
	# and the figures of issues 14 and 15: memcpy 1, fault cost 3,
	# metadata 4, replay 4, fsync 2, space 2
	[ "$(grep -cE '^(memcpy|touch|meta|replay|fsync|space) ' "$DAXLITE_BUILD/bench-raw.txt")" = 16 ]
}
host_case bench/every-path-measured bench_rows
sed 's/^/    /' "$DAXLITE_BUILD/bench.txt" 2> /dev/null || true

echo "== KUnit, on a KUnit-enabled 6.1 kernel"
scripts/kunit.sh
fi

if has_kernel newest; then
echo "== KUnit, on a KUnit-enabled kernel from the newest kernel's source package"
scripts/kunit.sh newest
fi

daxlite_summary "$DAXLITE_RESULTS"
