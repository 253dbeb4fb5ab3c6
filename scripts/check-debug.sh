#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check-debug: build (once, cached) the debug test kernel from
# Debian's linux-source-6.1 (scripts/debug-kernel.sh: KASAN, lockdep,
# DEBUG_VM, DEBUG_OBJECTS, kmemleak, fault injection), build the project's
# modules and test modules against it, and run the guest suites of
# tests/run-all.sh on it with the same QEMU options.  A boot fails on any
# KASAN, lockdep, DEBUG_OBJECTS, WARN or BUG report in its kernel log
# (tests/vm/run-guest.sh) and on any kmemleak report: the guest scans at
# the end of each suite (tests/vm/init, case kmemleak-clean).  Logs are
# build/logs/debug-*.log.  Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXLITE_ROOT"

"$DAXLITE_ROOT/scripts/install-deps.sh" || { echo "cannot install dependencies"; exit 1; }
mkdir -p "$DAXLITE_BUILD/logs"
export DAXLITE_RESULTS=$DAXLITE_BUILD/debug-results
: > "$DAXLITE_RESULTS"
# Logs and results named debug-SUITE, apart from make check's.
export DAXLITE_LABEL_PREFIX=debug-
# KASAN and lockdep under TCG make a boot several times slower than on the
# stock kernel: allow each guest this long before it counts as hung.
timeout=${DAXLITE_DEBUG_TIMEOUT:-1800}

make -s tools test-helpers > /dev/null || { record FAIL "debug/test-helpers"; exit 1; }

start=$(date +%s)
if ! kernel=$(scripts/debug-kernel.sh); then
	record FAIL "debug/test-kernel-build"
	daxlite_summary "$DAXLITE_RESULTS"
	exit 1
fi
echo "  debug kernel ready in $(($(date +%s) - start))s: $kernel"

# The modules again, in a copy of the tree, so the stock build stays, with
# the test modules beside them (scripts/debug-modules.sh).
if src=$(scripts/debug-modules.sh "$kernel"); then
	record PASS "debug/build-modules"
else
	record FAIL "debug/build-modules"
	daxlite_summary "$DAXLITE_RESULTS"
	exit 1
fi
# The modules DKMS would install, for dkms_modprobe (no test module).
dkms=$DAXLITE_BUILD/debug-dkms-modules
rm -rf "$dkms"
mkdir -p "$dkms"
cp "$src"/{dax_core,dax_blk,dax_chardev,famfs_lite}/*.ko "$dkms/"

# The debug kernel, its modules, its /lib/modules (modules.builtin) and
# more time; the rest as in tests/run-all.sh (keep the two in step).
# An RCU stall report needs 300 s without a quiescent state, not 21: a
# KASAN guest under TCG on a busy host is that slow (acpi_nfit_init() at
# boot took 26 s once).  Every KASAN report, not only the first.
dbg=(-k "$kernel/arch/x86/boot/bzImage" -K "$src" -M "$kernel/modroot" -T "$timeout"
     -a 'rcupdate.rcu_cpu_stall_timeout=300 kasan_multi_shot')
guest() {
	tests/vm/run-guest.sh "${dbg[@]}" "$@"
}
img=$DAXLITE_BUILD/nv-debug

g_dax_blk() {
	guest -a 'memmap=1G$0x80000000 memmap=2M$0xc7e00000' dax_blk
}
g_dax_chardev() {
	guest -a 'memmap=1G$0x80000000' dax_chardev
}
g_famfs_lite() {
	guest -a 'memmap=1G$0x80000000' famfs_lite
}
g_famfs_lite_small() {
	guest -m 7G -a 'memmap=4G$0x100000000' famfs_lite_small
}
g_nvdimm() {
	rm -f "$img.img"
	guest -m 2G -n "$img.img:512M" nvdimm
}
g_nvdimm_fsdax() {
	rm -f "$img-fsdax.img"
	guest -m 2G -n "$img-fsdax.img:512M" nvdimm_fsdax
}
g_nvdimm_devdax() {
	rm -f "$img-devdax.img"
	guest -m 2G -n "$img-devdax.img:512M" nvdimm_devdax
}
g_nvdimm_alias() {
	rm -f "$img-alias.img"
	guest -m 2G -n "$img-alias.img:512M" -A nvdimm_alias
}
g_nvdimm_big() {
	rm -f "$img-big.img"
	guest -m 4G -n "$img-big.img:64G" nvdimm_big
	rm -f "$img-big.img"
}
g_nvdimm_share() {
	rm -f "$img-persist.img"
	guest -q -m 2G -n "$img-persist.img:512M" -g write nvdimm_share
	guest -q -m 2G -n "$img-persist.img:512M" -g read nvdimm_share
}
g_two_hosts() {
	tests/two-hosts.sh "${dbg[@]}"
}
# Allocation failures in load, attach, mount, create, allocate, replay.
g_faultinj() {
	rm -f "$img-faultinj.img"
	guest -T 3600 -n "$img-faultinj.img:128M" -a 'memmap=1G$0x80000000' -g 40-15 faultinj
}
# Load/unload and mount/umount cycles, DAXLITE_CYCLES=LOADS-MOUNTS of
# each (README: 1000-1000 takes hours here).
g_cycles() {
	guest -a 'memmap=1G$0x80000000' -g "${DAXLITE_CYCLES:-20-200}" cycles
}
g_dkms_modprobe() {
	guest -a 'memmap=1G$0x80000000' -U "$dkms" dkms_modprobe
}

# A debug guest is slow (KASAN, lockdep and kmemleak under TCG): run
# DAXLITE_DEBUG_JOBS of them at once, each group's output to a file,
# printed in order at the end.  Every guest has its own log, initrd and
# NVDIMM file.  Not run: the benchmark (bench), whose numbers mean nothing
# under KASAN and whose paths the suites above cover.
jobs_max=${DAXLITE_DEBUG_JOBS:-3}
out=$DAXLITE_BUILD/debug-out
rm -rf "$out"
mkdir -p "$out"
n=0
group() {
	n=$((n + 1))
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
	done
	{ echo "== debug guest: $1"; "$2"; } > "$out/$(printf %02d $n)" 2>&1 &
}
group "a 64 GiB NVDIMM in a 4 GiB guest, struct pages on the device (map=dev)" g_nvdimm_big
group "dax_core + dax_blk" g_dax_blk
group "dax_chardev" g_dax_chardev
group "famfs_lite" g_famfs_lite
group "famfs_lite's 4 KiB blocks for small files" g_famfs_lite_small
group "NVDIMM namespaces through dax_chardev" g_nvdimm
group "an fsdax namespace's /dev/pmemN served as /dev/daxN" g_nvdimm_fsdax
group "a devdax namespace taken from device_dax as /dev/daxN" g_nvdimm_devdax
group "two views of one NVDIMM, as a writer and a reader host" g_nvdimm_alias
group "famfs_lite on an NVDIMM, written, powered off, read after reboot" g_nvdimm_share
group "two hosts on one NVDIMM, a writer and a read-only reader" g_two_hosts
group "DKMS-built modules, modprobe and mount only" g_dkms_modprobe
group "allocation failures injected (failslab, fail_page_alloc)" g_faultinj
group "load/unload and mount/umount cycles" g_cycles
wait
cat "$out"/*

echo "  check-debug took $(($(date +%s) - start))s"
daxlite_summary "$DAXLITE_RESULTS"
